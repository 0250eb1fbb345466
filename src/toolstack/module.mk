# Toolstack (owner: toolstack helper): guest config parser, xend, xm/xl.
UNIT_TESTS += test-config
test-config_SRCS := tests/toolstack/test_config.c
test-config_LIBS := toolstack
CHECKS += $$B/bin/test-config
SAN_CHECKS += $$B/bin/test-config

PROGRAMS += xend xm
xend_SRCS := src/cli/xend_main.c
xend_LIBS := toolstack board hv virtio backend cpu xenstore util
xend_LDLIBS := -lfdt
xm_SRCS := src/cli/xm_main.c
xm_LIBS := toolstack
# xl: the same program under its other name
$(B)/bin/xl: $(B)/bin/xm
	ln -sf xm $@
EXTRA_ALL += $(B)/bin/xl

# System tests: xend + xm on a private DOMUS_STATE (guest cases skip
# without $B/guest images).
CHECKS += tests/toolstack/xm.sh
SAN_CHECKS += tests/toolstack/xm.sh
CHECKS += tests/toolstack/fuzz-smoke.sh
# memory: balloon, xm mem-set/mem-max, accounting, RSS (skips without a guest)
CHECKS += tests/toolstack/memory.sh
SAN_CHECKS += tests/toolstack/memory.sh
# xm pause / unpause / create -p / sysrq against a counting guest.
CHECKS += tests/toolstack/pause.sh
SAN_CHECKS += tests/toolstack/pause.sh
# xm shutdown / reboot press the virtio-input power/restart button.
CHECKS += tests/toolstack/shutdown.sh
SAN_CHECKS += tests/toolstack/shutdown.sh
# on_crash=rename-restart / coredump-destroy, xm dump-core (ELF cores
# checked with readelf); skips without a guest image.
CHECKS += tests/toolstack/lifecycle.sh
SAN_CHECKS += tests/toolstack/lifecycle.sh
