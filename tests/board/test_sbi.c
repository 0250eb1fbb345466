/*
 * SBI firmware calls on a real machine (no vCPU threads running): each
 * call is made by filling a0-a7 of a hart in S-mode and invoking the
 * hart_env.ecall hook, then checking a0/a1 and the machine's state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "board/machine.h"
#include "tap.h"

struct outbuf { char buf[512]; size_t len; };
static void out_write(void *opaque, const uint8_t *b, size_t n)
{
	struct outbuf *o = opaque;
	for (size_t i = 0; i < n && o->len < sizeof(o->buf) - 1; i++)
		o->buf[o->len++] = (char)b[i];
}

static struct hart *H(struct machine *m, unsigned i) { return &m->vcpus[i].hart; }

/* ecall(eid, fid, a0..a5) on hart i; returns a0, *val = a1 */
static int64_t call(struct machine *m, unsigned i, uint64_t eid, uint64_t fid,
		    uint64_t a0, uint64_t a1, uint64_t a2, uint64_t *val)
{
	struct hart *h = H(m, i);
	h->priv = PRV_S;
	h->x[17] = eid; h->x[16] = fid;
	h->x[10] = a0; h->x[11] = a1; h->x[12] = a2;
	bool handled = h->env.ecall(h, h->env.opaque);
	if (!handled)
		return 12345;
	if (val)
		*val = h->x[11];
	return (int64_t)h->x[10];
}

#define BASE 0x10
#define TIME 0x54494D45
#define IPI 0x735049
#define RFENCE 0x52464E43
#define HSM 0x48534D
#define SRST 0x53525354
#define DBCN 0x4442434E

int main(void)
{
	struct outbuf o = {0};
	struct machine_config cfg = {
		.ram_size = 64ULL << 20, .nr_harts = 4,
		.console = { out_write, &o },
	};
	struct machine *m;
	uint64_t v = 0;

	CHECK(machine_create(&cfg, &m) == 0, "sbi: machine with 4 harts");
	CHECK(H(m, 0)->env.ecall != NULL, "sbi: paravirtual machine installs the ecall hook");

	CHECK(call(m, 0, BASE, 0, 0, 0, 0, &v) == 0 && v == 0x2000000, "sbi: spec version 2.0");
	CHECK(call(m, 0, BASE, 1, 0, 0, 0, &v) == 0 && v == 0x444d, "sbi: impl id 0x444d");
	static const uint64_t exts[] = { BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN, 0, 8 };
	bool all = true;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		all &= call(m, 0, BASE, 3, exts[i], 0, 0, &v) == 0 && v == 1;
	CHECK(all, "sbi: probe_extension finds all 7 extensions + legacy");
	CHECK(call(m, 0, BASE, 3, 0x48534D + 1, 0, 0, &v) == 0 && v == 0, "sbi: probe unknown -> 0");
	CHECK(call(m, 0, 0x12345678, 0, 0, 0, 0, NULL) == -2, "sbi: unknown extension -> NOT_SUPPORTED");
	CHECK(call(m, 0, BASE, 99, 0, 0, 0, NULL) == -2, "sbi: unknown BASE fid -> NOT_SUPPORTED");

	/* TIME */
	H(m, 0)->mip |= MIP_STIP;
	CHECK(call(m, 0, TIME, 0, 0x123456789, 0, 0, NULL) == 0 && H(m, 0)->stimecmp == 0x123456789 &&
	      !(H(m, 0)->mip & MIP_STIP), "sbi: set_timer writes stimecmp, clears STIP");

	/* IPI */
	CHECK(call(m, 0, IPI, 0, 0x6, 0, 0, NULL) == 0 && (H(m, 1)->mip & MIP_SSIP) &&
	      (H(m, 2)->mip & MIP_SSIP) && !(H(m, 3)->mip & MIP_SSIP) && !(H(m, 0)->mip & MIP_SSIP),
	      "sbi: send_ipi mask 0b110 -> SSIP on harts 1, 2 only");
	CHECK(call(m, 0, IPI, 0, 0x1, 3, 0, NULL) == 0 && (H(m, 3)->mip & MIP_SSIP), "sbi: send_ipi with base 3");
	H(m, 1)->mip &= ~MIP_SSIP;
	CHECK(call(m, 0, IPI, 0, 0x3, 3, 0, NULL) == -3 && !(H(m, 1)->mip & MIP_SSIP),
	      "sbi: mask naming hart 4 -> INVALID_PARAM");
	CHECK(call(m, 0, IPI, 0, 0, UINT64_MAX, 0, NULL) == 0 && (H(m, 0)->mip & MIP_SSIP) &&
	      (H(m, 1)->mip & MIP_SSIP), "sbi: base -1 -> all harts");
	CHECK(call(m, 1, 0x03, 0, 0, 0, 0, NULL) == 0 && !(H(m, 1)->mip & MIP_SSIP), "sbi: legacy clear_ipi");

	/* RFENCE: idle targets are not waited for; requests are posted. */
	atomic_store(&H(m, 2)->req, 0);
	CHECK(call(m, 0, RFENCE, 1, 0x4, 0, 0, NULL) == 0 && (atomic_load(&H(m, 2)->req) & HART_REQ_TLB),
	      "sbi: remote_sfence_vma posts a TLB flush to the target");
	CHECK(call(m, 0, RFENCE, 0, 0x8, 0, 0, NULL) == 0 && (atomic_load(&H(m, 3)->req) & HART_REQ_FENCEI),
	      "sbi: remote_fence_i posts FENCEI");
	CHECK(call(m, 0, RFENCE, 3, 0x1, 0, 0, NULL) == -2, "sbi: hfence -> NOT_SUPPORTED");

	/* HSM: before machine_load every hart is stopped. */
	CHECK(call(m, 0, HSM, 2, 1, 0, 0, &v) == 0 && v == HSM_STOPPED, "sbi: hart 1 status STOPPED");
	CHECK(call(m, 0, HSM, 2, 9, 0, 0, NULL) == -3, "sbi: status of hart 9 -> INVALID_PARAM");
	CHECK(call(m, 0, HSM, 0, 1, 0x1000, 0, NULL) == -5, "sbi: hart_start outside RAM -> INVALID_ADDRESS");
	CHECK(call(m, 0, HSM, 0, 7, 0x80200000, 0, NULL) == -3, "sbi: hart_start hart 7 -> INVALID_PARAM");
	CHECK(call(m, 0, HSM, 0, 1, 0x80200000, 0xabc, NULL) == 0 &&
	      atomic_load(&m->vcpus[1].hsm) == HSM_START_PENDING && m->vcpus[1].start_opaque == 0xabc,
	      "sbi: hart_start -> START_PENDING with opaque");
	CHECK(call(m, 0, HSM, 0, 1, 0x80200000, 0, NULL) == -6, "sbi: second hart_start -> ALREADY_AVAILABLE");
	CHECK(call(m, 0, HSM, 3, 0x1, 0, 0, NULL) == -3, "sbi: reserved suspend type -> INVALID_PARAM");
	CHECK(call(m, 0, HSM, 3, 0x10000000, 0, 0, NULL) == -2, "sbi: platform suspend type -> NOT_SUPPORTED");
	CHECK(call(m, 0, HSM, 3, 0x80000000, 0x10, 0, NULL) == -5, "sbi: non-retentive bad resume addr");
	CHECK(call(m, 2, HSM, 3, 0, 0, 0, NULL) == 0 && H(m, 2)->halt &&
	      atomic_load(&m->vcpus[2].hsm) == HSM_SUSPEND_PENDING, "sbi: retentive suspend parks the hart");
	CHECK(call(m, 3, HSM, 1, 0, 0, 0, NULL) == 0 && H(m, 3)->halt &&
	      atomic_load(&m->vcpus[3].hsm) == HSM_STOP_PENDING, "sbi: hart_stop");

	/* DBCN */
	uint8_t *ram = bus_ram_ptr(&m->bus, 0x80001000, 16);
	memcpy(ram, "dbcn-hello", 10);
	o.len = 0;
	CHECK(call(m, 0, DBCN, 0, 10, 0x80001000, 0, &v) == 0 && v == 10 && o.len == 10 &&
	      !memcmp(o.buf, "dbcn-hello", 10), "sbi: DBCN console_write");
	CHECK(call(m, 0, DBCN, 0, 10, 0x1000, 0, NULL) == -3, "sbi: DBCN write outside RAM -> INVALID_PARAM");
	CHECK(call(m, 0, DBCN, 0, 10, 0x80001000, 1, NULL) == -3, "sbi: DBCN base_hi != 0 -> INVALID_PARAM");
	CHECK(call(m, 0, DBCN, 2, 'Z', 0, 0, NULL) == 0 && o.buf[o.len - 1] == 'Z', "sbi: DBCN write_byte");
	machine_console_input(m, (const uint8_t *)"in", 2);
	CHECK(call(m, 0, DBCN, 1, 8, 0x80002000, 0, &v) == 0 && v == 2 &&
	      !memcmp(bus_ram_ptr(&m->bus, 0x80002000, 2), "in", 2), "sbi: DBCN console_read");
	CHECK(call(m, 0, 0x02, 0, 0, 0, 0, NULL) == -1, "sbi: legacy getchar with no input -> -1");
	machine_console_input(m, (const uint8_t *)"q", 1);
	CHECK(call(m, 0, 0x02, 0, 0, 0, 0, NULL) == 'q', "sbi: legacy getchar");
	CHECK(call(m, 0, 0x01, 0, '!', 0, 0, NULL) == 0 && o.buf[o.len - 1] == '!', "sbi: legacy putchar");

	/* U-mode ecalls are the kernel's, not ours. */
	H(m, 0)->priv = PRV_U;
	H(m, 0)->x[17] = BASE;
	CHECK(!H(m, 0)->env.ecall(H(m, 0), H(m, 0)->env.opaque), "sbi: ecall from U-mode not handled");

	/* SRST */
	CHECK(call(m, 0, SRST, 0, 5, 0, 0, NULL) == -3, "sbi: reserved reset type -> INVALID_PARAM");
	CHECK(call(m, 0, SRST, 0, 0, 7, 0, NULL) == -3, "sbi: reserved reason -> INVALID_PARAM");
	CHECK(!atomic_load(&m->stopping), "sbi: bad SRST leaves the machine running");
	CHECK(call(m, 0, SRST, 0, 1, 0, 0, NULL) == 0 && atomic_load(&m->stopping) &&
	      m->exit == MACHINE_EXIT_REBOOT, "sbi: SRST cold reboot stops with REBOOT");
	machine_destroy(m);

	CHECK(machine_create(&cfg, &m) == 0, "sbi: second machine");
	call(m, 0, SRST, 0, 0, 1, 0, NULL);
	CHECK(m->exit == MACHINE_EXIT_CRASH, "sbi: shutdown with reason system failure -> CRASH");
	machine_destroy(m);
	CHECK(machine_create(&cfg, &m) == 0, "sbi: third machine");
	call(m, 0, 0x08, 0, 0, 0, 0, NULL);
	CHECK(atomic_load(&m->stopping) && m->exit == MACHINE_EXIT_POWEROFF, "sbi: legacy shutdown");
	machine_destroy(m);

	/* Two machines in one process do not share state. */
	struct outbuf o2 = {0};
	struct machine *m2;
	struct machine_config cfg2 = cfg;
	cfg2.nr_harts = 3;
	cfg2.console = (struct console_backend){ out_write, &o2 };
	CHECK(machine_create(&cfg, &m) == 0 && machine_create(&cfg2, &m2) == 0, "multi: two machines");
	o.len = o2.len = 0;
	call(m, 0, IPI, 0, 0x2, 0, 0, NULL);
	call(m2, 0, DBCN, 2, 'B', 0, 0, NULL);
	call(m, 0, DBCN, 2, 'A', 0, 0, NULL);
	CHECK((H(m, 1)->mip & MIP_SSIP) && !(H(m2, 1)->mip & MIP_SSIP), "multi: IPI stays in its machine");
	CHECK(o.len == 1 && o.buf[0] == 'A' && o2.len == 1 && o2.buf[0] == 'B', "multi: separate consoles");
	CHECK(call(m2, 0, IPI, 0, 0x8, 0, 0, NULL) == -3 && call(m, 0, IPI, 0, 0x8, 0, 0, NULL) == 0,
	      "multi: hart counts are per machine");
	call(m2, 0, SRST, 0, 0, 0, 0, NULL);
	CHECK(atomic_load(&m2->stopping) && !atomic_load(&m->stopping), "multi: SRST stops only its machine");
	machine_destroy(m2);
	machine_destroy(m);

	cfg.nr_harts = 65;
	CHECK(machine_create(&cfg, &m) == -EINVAL, "sbi: 65 harts refused");
	return tap_failed;
}
