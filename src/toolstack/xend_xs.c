/*
 * xend's XenStore layout, kept through the xenstored xend starts:
 * Domain-0's entries, each domain's /local/domain/<id> subtree with its
 * console, vbd and vif frontends and their Domain-0 backends, /vm/<uuid>,
 * ownership and permissions; introduce/release.
 */
#include <stdarg.h>
#include <string.h>

#include "toolstack/xend_internal.h"
#include "xenstore/xs_client.h"
#include "xenstore/xs_wire.h"


void xsw(struct xend *x, const char *val, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (x->xs && xs_write(x->xs, XS_NO_TXN, path, val, strlen(val)) < 0)
		xlog(x, "xenstore: write %s failed", path);
}

static void xs_owner(struct xend *x, unsigned owner, unsigned reader, const char *path)
{
	struct xs_perm p[2] = { { owner, 0 }, { reader, 0 } };
	char s[16];
	if (!x->xs)
		return;
	snprintf(s, sizeof(s), "n%u", owner);
	xs_perm_parse(s, &p[0]);
	snprintf(s, sizeof(s), "r%u", reader);
	xs_perm_parse(s, &p[1]);
	xs_set_perms(x->xs, XS_NO_TXN, path, p, owner == reader ? 1 : 2);
}

/* Xen's virtual device numbers: xvdX 202, hdX 3/22, sdX 8. */
static unsigned vbd_devid(const char *vdev, unsigned idx)
{
	size_t n = strlen(vdev);
	char c = n ? vdev[n - 1] : 0;
	if (c < 'a' || c > 'z')
		return 51712 + idx * 16;
	unsigned d = c - 'a';
	if (!strncmp(vdev, "xvd", 3) && n == 4)
		return (202 << 8) | (d << 4);
	if (!strncmp(vdev, "sd", 2) && n == 3)
		return (8 << 8) | (d << 4);
	if (!strncmp(vdev, "hd", 2) && n == 3 && d < 4)
		return ((d < 2 ? 3 : 22) << 8) | ((d & 1) << 6);
	return 51712 + idx * 16;
}

void xs_domain_write(struct xend *x, struct domain *d)
{
	char v[512], dp[64], vm[64];
	struct domain_config *c = &d->cfg;

	if (!x->xs)
		return;
	snprintf(dp, sizeof(dp), "/local/domain/%u", d->id);
	snprintf(vm, sizeof(vm), "/vm/%s", d->uuid);
	/* the domain owns its subtree (children inherit), Domain-0 keeps
	 * /vm and the backends, which the domain may read */
	xs_mkdir(x->xs, XS_NO_TXN, dp);
	xs_owner(x, d->id, d->id, dp);
	xs_mkdir(x->xs, XS_NO_TXN, vm);
	xs_owner(x, 0, d->id, vm);
	xsw(x, d->name, "%s/name", dp);
	snprintf(v, sizeof(v), "%u", d->id);
	xsw(x, v, "%s/domid", dp);
	xsw(x, vm, "%s/vm", dp);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)c->memory_mib * 1024);
	xsw(x, v, "%s/memory/target", dp);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)c->maxmem_mib * 1024);
	xsw(x, v, "%s/memory/static-max", dp);
	for (unsigned k = 0; k < c->maxvcpus; k++)
		xsw(x, k < c->vcpus ? "online" : "offline", "%s/cpu/%u/availability", dp, k);
	xsw(x, "xenconsoled", "%s/console/type", dp);
	if (d->pty_path[0])
		xsw(x, d->pty_path, "%s/console/tty", dp);
	xsw(x, "1048576", "%s/console/limit", dp);
	snprintf(v, sizeof(v), "/local/domain/0/backend/console/%u/0", d->id);
	xsw(x, v, "%s/console/backend", dp);
	xsw(x, "0", "%s/console/backend-id", dp);
	xsw(x, "", "%s/control/shutdown", dp);
	xsw(x, "1", "%s/control/platform-feature-multiprocessor-suspend", dp);
	xsw(x, "", "%s/data", dp);
	/* console backend */
	snprintf(v, sizeof(v), "%s/console", dp);
	xsw(x, v, "/local/domain/0/backend/console/%u/0/frontend", d->id);
	snprintf(v, sizeof(v), "%u", d->id);
	xsw(x, v, "/local/domain/0/backend/console/%u/0/frontend-id", d->id);
	xsw(x, "4", "/local/domain/0/backend/console/%u/0/state", d->id);
	xsw(x, "ioemu", "/local/domain/0/backend/console/%u/0/protocol", d->id);
	for (unsigned k = 0; k < c->nr_disks; k++) {
		const struct cfg_disk *dk = &c->disks[k];
		unsigned devid = vbd_devid(dk->vdev, k);
		char fe[96], be[96];
		snprintf(fe, sizeof(fe), "%s/device/vbd/%u", dp, devid);
		snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", d->id, devid);
		xsw(x, be, "%s/backend", fe);
		xsw(x, "0", "%s/backend-id", fe);
		xsw(x, "4", "%s/state", fe);
		snprintf(v, sizeof(v), "%u", devid);
		xsw(x, v, "%s/virtual-device", fe);
		xsw(x, dk->cdrom ? "cdrom" : "disk", "%s/device-type", fe);
		xsw(x, fe, "%s/frontend", be);
		snprintf(v, sizeof(v), "%u", d->id);
		xsw(x, v, "%s/frontend-id", be);
		xsw(x, dk->target ? dk->target : "", "%s/params", be);
		xsw(x, dk->readonly ? "r" : "w", "%s/mode", be);
		xsw(x, dk->backendtype[0] ? dk->backendtype : "file", "%s/type", be);
		xsw(x, dk->vdev, "%s/dev", be);
		xsw(x, "4", "%s/state", be);
		xsw(x, "1", "%s/online", be);
		xs_owner(x, 0, d->id, be);
	}
	for (unsigned k = 0; k < c->nr_vifs; k++) {
		const struct cfg_vif *vf = &c->vifs[k];
		char fe[96], be[96], mac[18];
		snprintf(fe, sizeof(fe), "%s/device/vif/%u", dp, k);
		snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u/%u", d->id, k);
		if (vf->mac[0])
			snprintf(mac, sizeof(mac), "%s", vf->mac);
		else
			snprintf(mac, sizeof(mac), "00:16:3e:%02x:%02x:%02x", d->id & 0x7f, (d->id >> 7) & 0xff, k & 0xff);
		xsw(x, be, "%s/backend", fe);
		xsw(x, "0", "%s/backend-id", fe);
		xsw(x, "4", "%s/state", fe);
		snprintf(v, sizeof(v), "%u", k);
		xsw(x, v, "%s/handle", fe);
		xsw(x, mac, "%s/mac", fe);
		xsw(x, fe, "%s/frontend", be);
		snprintf(v, sizeof(v), "%u", d->id);
		xsw(x, v, "%s/frontend-id", be);
		xsw(x, mac, "%s/mac", be);
		xsw(x, vf->bridge ? vf->bridge : "xenbr0", "%s/bridge", be);
		xsw(x, vf->script ? vf->script : x->network_script, "%s/script", be);
		if (vf->ip)
			xsw(x, vf->ip, "%s/ip", be);
		if (vf->vifname)
			xsw(x, vf->vifname, "%s/vifname", be);
		if (vf->rate)
			xsw(x, vf->rate, "%s/rate", be);
		xsw(x, "4", "%s/state", be);
		xsw(x, "1", "%s/online", be);
		xs_owner(x, 0, d->id, be);
	}
	/* /vm/<uuid> */
	xsw(x, d->name, "%s/name", vm);
	xsw(x, d->uuid, "%s/uuid", vm);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)c->memory_mib);
	xsw(x, v, "%s/memory", vm);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)c->maxmem_mib);
	xsw(x, v, "%s/maxmem", vm);
	snprintf(v, sizeof(v), "%u", c->maxvcpus);
	xsw(x, v, "%s/vcpus", vm);
	/* a bitmask of the online vCPUs, as Xen's xend keeps it */
	snprintf(v, sizeof(v), "%llu", (unsigned long long)(c->vcpus >= 64 ? ~0ULL : (1ULL << c->vcpus) - 1));
	xsw(x, v, "%s/vcpu_avail", vm);
	xsw(x, cfg_action_name(c->on_poweroff), "%s/on_poweroff", vm);
	xsw(x, cfg_action_name(c->on_reboot), "%s/on_reboot", vm);
	xsw(x, cfg_action_name(c->on_crash), "%s/on_crash", vm);
	snprintf(v, sizeof(v), "%.2f", d->start_wall);
	xsw(x, v, "%s/start_time", vm);
	xsw(x, c->kernel ? c->kernel : "", "%s/image/kernel", vm);
	if (c->ramdisk)
		xsw(x, c->ramdisk, "%s/image/ramdisk", vm);
	if (c->cmdline)
		xsw(x, c->cmdline, "%s/image/cmdline", vm);
	if (xs_introduce(x->xs, d->id, 0, 0) < 0)
		xlog(x, "xenstore: introduce of domain %u failed", d->id);
}

void xs_domain_remove(struct xend *x, struct domain *d, bool keep_vm)
{
	char p[96];
	if (!x->xs)
		return;
	xs_release(x->xs, d->id);
	snprintf(p, sizeof(p), "/local/domain/%u", d->id);
	xs_rm(x->xs, XS_NO_TXN, p);
	const char *kinds[] = { "vbd", "vif", "console" };
	for (unsigned k = 0; k < 3; k++) {
		snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%u", kinds[k], d->id);
		xs_rm(x->xs, XS_NO_TXN, p);
	}
	if (!keep_vm) {
		snprintf(p, sizeof(p), "/vm/%s", d->uuid);
		xs_rm(x->xs, XS_NO_TXN, p);
	}
}

void xs_dom0(struct xend *x)
{
	char v[32];
	xsw(x, "Domain-0", "/local/domain/0/name");
	xsw(x, "0", "/local/domain/0/domid");
	xsw(x, "/vm/00000000-0000-0000-0000-000000000000", "/local/domain/0/vm");
	snprintf(v, sizeof(v), "%llu", (unsigned long long)x->dom0_mem_mib * 1024);
	xsw(x, v, "/local/domain/0/memory/target");
	for (unsigned k = 0; k < x->dom0_cpus && k < 64; k++)
		xsw(x, "online", "/local/domain/0/cpu/%u/availability", k);
	xsw(x, "Domain-0", "/vm/00000000-0000-0000-0000-000000000000/name");
	xsw(x, "00000000-0000-0000-0000-000000000000", "/vm/00000000-0000-0000-0000-000000000000/uuid");
	snprintf(v, sizeof(v), "%llu", (unsigned long long)x->dom0_mem_mib);
	xsw(x, v, "/vm/00000000-0000-0000-0000-000000000000/memory");
	snprintf(v, sizeof(v), "%u", x->dom0_cpus);
	xsw(x, v, "/vm/00000000-0000-0000-0000-000000000000/vcpus");
}
