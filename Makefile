# Domus top-level build.
#
# Every directory under src/ that holds .c files becomes a static library
# $(B)/lib/lib<dir>.a (files named *_main.c are left out: they are program
# entry points). Components describe their programs, unit tests and checks in
# a module.mk fragment next to their sources, so that components can grow
# without editing this file.
#
#   make            build everything into build/
#   make check      build (plain and ASan+UBSan) and run every test tier
#   make guest      build the guest kernel + initramfs (cached in ~/.cache/domus)
#   make run        boot the test guest, console on this terminal (Ctrl-a x quits)
#   make demo       run the bare-metal hello program
#   B=DIR           build directory (default build); SAN=1 sanitizer build

B       ?= build
CC      ?= gcc
SAN     ?= 0
OPT     ?= -O2
CFLAGS_BASE := -std=gnu17 -D_GNU_SOURCE -g $(OPT) -Wall -Wextra -Werror \
               -Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter \
               -Isrc -MMD -MP -pthread
ifeq ($(SAN),1)
CFLAGS_BASE += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS_SAN := -fsanitize=address,undefined
endif
CFLAGS  ?=
CFLAGS  += $(CFLAGS_BASE)
LDFLAGS += -pthread $(LDFLAGS_SAN)
LDLIBS  += -lm

.DEFAULT_GOAL := all

PROGRAMS    :=
UNIT_TESTS  :=
CHECKS      :=
SAN_CHECKS  :=

# Library directories: every src/<dir> with at least one non-main .c file.
LIBDIRS := $(sort $(foreach d,$(wildcard src/*/),$(if $(filter-out %_main.c,$(wildcard $(d)*.c)),$(notdir $(patsubst %/,%,$(d))))))

define LIB_template
$(1)_LIBSRCS := $$(filter-out %_main.c,$$(wildcard src/$(1)/*.c))
$(B)/lib/lib$(1).a: $$(patsubst %.c,$(B)/obj/%.o,$$($(1)_LIBSRCS))
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach l,$(LIBDIRS),$(eval $(call LIB_template,$(l))))

include $(sort $(wildcard src/*/module.mk tests/*/module.mk bench/module.mk fuzz/module.mk guest/module.mk))

# PROGRAMS: name_SRCS (mains), name_LIBS (library dirs, dependants first), name_LDLIBS
define PROG_template
$(B)/bin/$(1): $$(patsubst %.c,$(B)/obj/%.o,$$($(1)_SRCS)) $$(foreach l,$$($(1)_LIBS),$(B)/lib/lib$$(l).a)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$(filter %.o,$$^) $$(foreach l,$$($(1)_LIBS),$(B)/lib/lib$$(l).a) $$($(1)_LDLIBS) $$(LDLIBS)
endef
$(foreach p,$(PROGRAMS) $(UNIT_TESTS),$(eval $(call PROG_template,$(p))))

# Unit tests live in $(B)/bin too (named test-*), so checks find them by $B.
ALL_BINS := $(addprefix $(B)/bin/,$(PROGRAMS) $(UNIT_TESTS))

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

.PHONY: all check check-san clean guest unit run
all: $(ALL_BINS) $(EXTRA_ALL)

unit: $(addprefix $(B)/bin/,$(UNIT_TESTS))

# make check: plain build + sanitizer build + guest images, then every check
# through the runner.
check: all guest
	$(MAKE) --no-print-directory B=$(B)/san SAN=1 OPT=-O1 all
	B=$(B) SAN_B=$(B)/san tests/runner.sh $(foreach c,$(CHECKS),'$(c)') \
	  $(foreach c,$(SAN_CHECKS),'san:$(c)')

# The main job: boot the test guest with its console on this terminal
# (Ctrl-a x quits; `poweroff` in the guest ends it too).
run: all guest
	$(B)/bin/domus-run --kernel $(B)/guest/Image --initrd $(B)/guest/initramfs.cpio.gz \
	  --vcpus 2 --mem 256M --append "console=ttyS0"

clean:
	rm -rf $(B)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
