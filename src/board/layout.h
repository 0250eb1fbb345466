/*
 * The virt board's memory map and interrupt numbers (laid out like the
 * common riscv64 "virt" machine so that unmodified kernels and firmware
 * find their devices where they expect them).
 */
#ifndef DOMUS_BOARD_LAYOUT_H
#define DOMUS_BOARD_LAYOUT_H

#define VIRT_SYSCON_BASE 0x00100000ULL
#define VIRT_RTC_BASE 0x00101000ULL
#define VIRT_CLINT_BASE 0x02000000ULL
#define VIRT_CLINT_SIZE 0x00010000ULL
#define VIRT_PLIC_BASE 0x0c000000ULL
#define VIRT_UART0_BASE 0x10000000ULL
#define VIRT_VIRTIO_BASE 0x10001000ULL
#define VIRT_VIRTIO_STRIDE 0x1000ULL
#define VIRT_VIRTIO_SLOTS 8
#define VIRT_RAM_BASE 0x80000000ULL

#define VIRT_IRQ_VIRTIO0 1	/* slot i uses IRQ 1 + i */
#define VIRT_IRQ_UART0 10
#define VIRT_IRQ_RTC 11
#define VIRT_PLIC_NDEV 1023

#define VIRT_TIMEBASE_HZ 10000000ULL
#define VIRT_MAX_HARTS 64

#define VIRT_KERNEL_OFFSET 0x200000ULL	/* kernel / payload at RAM + 2 MiB */
#define VIRT_FW_JUMP_FDT_ADDR 0x82200000ULL

#endif
