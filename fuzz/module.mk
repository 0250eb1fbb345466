# libFuzzer targets, built with clang straight from the sources (not the
# gcc-built libraries): `make fuzz` builds every $(B)/fuzz/<name>.
# To add a fuzzer: FUZZERS += name ; name_FUZZ_SRCS := fuzz/name.c src/... ;
# $(eval $(call FUZZ_template,name))
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu17 -D_GNU_SOURCE -g -O1 -Isrc -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZERS :=

# Each instantiation also adds itself to `make fuzz` (prerequisites are
# expanded when read, so a list at the top would miss later fuzzers).
.PHONY: fuzz
define FUZZ_template
fuzz: $(B)/fuzz/$(1)
$(B)/fuzz/$(1): $$($(1)_FUZZ_SRCS) $$(wildcard $$(addsuffix *.h,$$(sort $$(dir $$($(1)_FUZZ_SRCS)))))
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ $$(filter %.c,$$^)
endef

FUZZERS += xenstore_wire
xenstore_wire_FUZZ_SRCS := fuzz/xenstore_wire.c \
    $(filter-out %_main.c src/xenstore/xs_client.c,$(wildcard src/xenstore/*.c))
$(eval $(call FUZZ_template,xenstore_wire))

# virtio_queue (owner: virtio helper): fuzzer-chosen rings behind
# virtio-blk and virtio-net (check: tests/virtio/fuzz-smoke.sh).
FUZZERS += virtio_queue
virtio_queue_FUZZ_SRCS := fuzz/virtio_queue.c src/cpu/bus.c \
    $(filter-out %_main.c,$(wildcard src/virtio/*.c src/backend/*.c))
$(eval $(call FUZZ_template,virtio_queue))

# config_parse (owner: toolstack helper): guest config files + one override.
FUZZERS += config_parse
config_parse_FUZZ_SRCS := fuzz/config_parse.c src/toolstack/config.c
$(eval $(call FUZZ_template,config_parse))
