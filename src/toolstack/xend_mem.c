/*
 * xend memory: host accounting (what domains hold against guest-memory),
 * what a domain holds now per its balloon, and xm mem-set / mem-max
 * (balloon target, maxmem cap, XenStore memory/target).
 */
#include <errno.h>
#include <stdlib.h>

#include "board/machine.h"
#include "toolstack/xend_internal.h"

uint64_t mem_used(struct xend *x)
{
	uint64_t u = 0;
	for (struct domain *d = x->doms; d; d = d->next)
		if (d->state != DS_DEAD)
			u += d->cfg.memory_mib;
	return u;
}

/* What the domain holds now: its RAM less what the guest's balloon driver
 * reports as given back; the target while it is not running. */
uint64_t mem_current(const struct domain *d)
{
	if (!d->m)
		return d->cfg.memory_mib;
	uint64_t back = machine_balloon_actual(d->m) >> 20;
	return d->ram_mib > back ? d->ram_mib - back : 0;
}

#define MEM_FLOOR_MIB 32	/* below this a Linux guest stops being useful */

/* "SIZE[b|k|m|g]" (default MiB, as xm) -> whole MiB. -EINVAL if not a
 * positive size, -ERANGE if absurdly large. */
static int mem_parse_mib(const char *s, uint64_t *mib)
{
	char *end;
	errno = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	unsigned shift;
	switch (*end) {
	case 'b': case 'B': shift = 0; end++; break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': case 0: shift = 20; end += *end != 0; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	if (v > (1ULL << 40) >> shift)	/* 1 TiB: the board's RAM limit */
		return -ERANGE;
	*mib = (v << shift) >> 20;
	return 0;
}

/* Under x->lock. */
static struct domain *mem_domain(struct xend *x, const char *dom, const char *size,
				 uint64_t *mib, struct obuf *o, int *r)
{
	struct domain *d = domain_find(x, dom);
	if (!d) {
		fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
		*r = -ENOENT;
		return NULL;
	}
	if ((*r = mem_parse_mib(size, mib)) < 0) {
		fprintf(o->f, "Error: invalid memory size '%s' (a number with an optional b/k/m/g suffix; default MiB)", size);
		return NULL;
	}
	if (*mib < MEM_FLOOR_MIB) {
		fprintf(o->f, "Error: %llu MiB is below the minimum of %u MiB.", (unsigned long long)*mib,
			MEM_FLOOR_MIB);
		*r = -EINVAL;
		return NULL;
	}
	return d;
}

/* Sets the balloon so that the domain holds mib, and publishes the target. */
static void mem_target(struct xend *x, struct domain *d, uint64_t mib)
{
	char v[32];
	d->cfg.memory_mib = mib;
	if (d->m)
		machine_balloon_set(d->m, (d->ram_mib - mib) << 20);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)mib * 1024);
	xsw(x, v, "/local/domain/%u/memory/target", d->id);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)mib);
	xsw(x, v, "/vm/%s/memory", d->uuid);
}

int do_mem_set(struct xend *x, const char *dom, const char *size, struct obuf *o)
{
	uint64_t mib;
	int r;
	struct domain *d = mem_domain(x, dom, size, &mib, o, &r);
	if (!d)
		return r;
	if (!d->m) {
		fprintf(o->f, "Error: Domain '%s' is not running.", dom);
		return -EINVAL;
	}
	if (mib > d->cfg.maxmem_mib) {
		fprintf(o->f, "Error: %llu MiB is above the maximum of domain '%s' (%llu MiB; see xm mem-max).",
			(unsigned long long)mib, dom, (unsigned long long)d->cfg.maxmem_mib);
		return -EINVAL;
	}
	uint64_t used = mem_used(x);
	uint64_t freem = x->guest_mem_mib > used ? x->guest_mem_mib - used : 0;
	if (mib > d->cfg.memory_mib && mib - d->cfg.memory_mib > freem) {
		fprintf(o->f, "Error: Not enough free memory: need %llu MiB, %llu MiB free",
			(unsigned long long)(mib - d->cfg.memory_mib), (unsigned long long)freem);
		return -ENOMEM;
	}
	xlog(x, "domain %u (%s): memory target %llu -> %llu MiB", d->id, d->name,
	     (unsigned long long)d->cfg.memory_mib, (unsigned long long)mib);
	mem_target(x, d, mib);
	return 0;
}

/* Xen's maxmem: the cap for mem-set; never above the RAM the domain was
 * built with (its balloon cannot give more). Lowering it below the current
 * target lowers the target too. */
int do_mem_max(struct xend *x, const char *dom, const char *size, struct obuf *o)
{
	uint64_t mib;
	int r;
	struct domain *d = mem_domain(x, dom, size, &mib, o, &r);
	if (!d)
		return r;
	uint64_t ram = d->m ? d->ram_mib : d->cfg.maxmem_mib;
	if (mib > ram) {
		fprintf(o->f, "Error: %llu MiB is above the %llu MiB domain '%s' was created with.",
			(unsigned long long)mib, (unsigned long long)ram, dom);
		return -EINVAL;
	}
	xlog(x, "domain %u (%s): maxmem %llu -> %llu MiB", d->id, d->name,
	     (unsigned long long)d->cfg.maxmem_mib, (unsigned long long)mib);
	d->cfg.maxmem_mib = mib;
	char v[32];
	snprintf(v, sizeof(v), "%llu", (unsigned long long)mib);
	xsw(x, v, "/vm/%s/maxmem", d->uuid);
	if (d->cfg.memory_mib > mib)
		mem_target(x, d, mib);
	return 0;
}
