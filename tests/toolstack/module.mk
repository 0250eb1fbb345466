# System tests of xend/xm added for issue 6 (each helper keeps to its own
# lines; the older toolstack tests are in src/toolstack/module.mk).

# -- info helper: xm info, xm top / xentop ------------------------------------
# xentop: xm under its other name (it runs `xm top`)
$(B)/bin/xentop: $(B)/bin/xm
	ln -sf xm $@
EXTRA_ALL += $(B)/bin/xentop
# xm info's xen_changeset / cc_compile_by: the tree's commit and the user
# when xend_info.c was compiled (rebuilt when HEAD moves).
INFO_CHANGESET := $(shell git log -1 --date=format:'%a %b %d %H:%M:%S %Y %z' --format='%cd git:%h' 2>/dev/null)
$(B)/obj/src/toolstack/xend_info.o: CFLAGS += -DDOMUS_CHANGESET='"$(or $(INFO_CHANGESET),unavailable)"' \
	-DDOMUS_COMPILE_BY='"$(or $(shell id -un 2>/dev/null),unknown)"'
$(B)/obj/src/toolstack/xend_info.o: $(wildcard .git/HEAD .git/refs/heads/main)
# xm top's client side: sample parser, CPU %, sorting, truncation
UNIT_TESTS += test-top
test-top_SRCS := tests/toolstack/test_top.c
test-top_LIBS := toolstack
CHECKS += $$B/bin/test-top
SAN_CHECKS += $$B/bin/test-top
# xm info: every field sane, free_memory follows a created guest
CHECKS += tests/toolstack/info.sh
SAN_CHECKS += tests/toolstack/info.sh
# xm top -b: parsable, CPU % vs /proc/<xend>/task, VBD counters, pty keys
CHECKS += tests/toolstack/top.sh
SAN_CHECKS += tests/toolstack/top.sh

# -- vcpu helper: xm sched-credit, vcpu-list / vcpu-pin / vcpu-set -------------
# vcpu-set through the guest agent (guest really offlines CPUs), maxvcpus,
# vcpu-pin moves a busy vCPU, errors
CHECKS += tests/toolstack/vcpus.sh
SAN_CHECKS += tests/toolstack/vcpus.sh
# sched-credit get/set/errors, weights 1:2, cap 25, interactive latency
CHECKS += tests/toolstack/sched.sh
SAN_CHECKS += tests/toolstack/sched.sh
