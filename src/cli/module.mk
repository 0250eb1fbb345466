# domus-run and the bare-metal demo (owner: cpu helper; the board helper
# adds its options to src/cli/domus_run_main.c).
PROGRAMS += domus-run
domus-run_SRCS := src/cli/domus_run_main.c
domus-run_LIBS := board hv virtio backend cpu util
domus-run_LDLIBS := -lfdt

RISCV_CC ?= $(shell command -v riscv64-unknown-elf-gcc >/dev/null 2>&1 && echo riscv64-unknown-elf-gcc || echo riscv64-linux-gnu-gcc)

$(B)/demo/hello.elf: examples/hello/hello.S examples/hello/link.ld
	@mkdir -p $(@D)
	$(RISCV_CC) -march=rv64gc -mabi=lp64d -nostdlib -static -T examples/hello/link.ld -o $@ $<

.PHONY: demo
demo: $(B)/bin/domus-run $(B)/demo/hello.elf
	$(B)/bin/domus-run --bare $(B)/demo/hello.elf

# domus-run --bare exit paths (HTIF codes, double fault, --max-insns, proxy, timer)
CHECKS += examples/hello/check.sh
SAN_CHECKS += examples/hello/check.sh
