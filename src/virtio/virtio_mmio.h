/*
 * virtio-mmio version 2 (modern) transport (virtio 1.2 section 4.2): maps a
 * struct virtio_dev at a guest-physical base as a 0x200-byte register
 * window (registers at 0x000..0x0ff, device config from 0x100).
 *
 * Board usage (FDT node: compatible = "virtio,mmio", reg = <base 0x200>,
 * interrupts = <irq>):
 *     struct virtio_dev *dev;  virtio_blk_create(be, &dev);
 *     struct virtio_mmio *m;   virtio_mmio_create(bus, base, irq, dev, &m);
 * The transport owns dev from then on; virtio_mmio_destroy() frees both
 * (call it after the vCPUs stopped and before bus_destroy()).
 */
#ifndef DOMUS_VIRTIO_VIRTIO_MMIO_H
#define DOMUS_VIRTIO_VIRTIO_MMIO_H

#include <stdint.h>

#include "board/irq.h"

#define VIRTIO_MMIO_MAGIC 0x74726976u	/* "virt" */
#define VIRTIO_MMIO_VERSION 2u
#define VIRTIO_MMIO_VENDOR 0x554d4f44u	/* "DOMU" little-endian: Domus */
#define VIRTIO_MMIO_REG_SIZE 0x200u

/* Register offsets. */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION_REG 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_SHM_SEL 0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH 0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW 0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH 0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100

struct bus;
struct virtio_dev;
struct virtio_mmio;

/* Registers the device on the bus. On success *out owns dev; on failure
 * (-EINVAL, -ENOMEM, -ENOSPC: bus full) the caller still owns dev. */
int virtio_mmio_create(struct bus *b, uint64_t base, struct irq_line irq,
		       struct virtio_dev *dev, struct virtio_mmio **out);
/* Frees the transport and its device. NULL is fine. */
void virtio_mmio_destroy(struct virtio_mmio *m);
uint32_t virtio_mmio_device_id(const struct virtio_mmio *m);
struct virtio_dev *virtio_mmio_dev(struct virtio_mmio *m);

#endif
