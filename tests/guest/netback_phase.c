/*
 * The phase protocol of the driver-domain scenario (DD-CONTRACT): dom0
 * writes data/ktest/phase, each good domain acks data/ktest/ack.  A watch
 * notes changes; the waits serve the backend all the while (netback_wait),
 * so frontends are answered while a test waits for its phase.
 */
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/guest/netback_phase.h"

/* netback.clients=: the good frontends this scenario creates. */
static char clients[64] = "dd-fe,dd-linux";

static int set_clients(const char *v)
{
	if (strlen(v) >= sizeof(clients))
		return -EINVAL;
	strlcpy(clients, v, sizeof(clients));
	return 0;
}
KPARAM("netback.clients", set_clients);

bool nbt_client_expected(const char *name)
{
	size_t n = strlen(name);

	for (const char *p = clients; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static const char *const phases[] = {"connect", "baseline", "flood", "after",
				     "done"};
static bool watching, changed, probed, orchestrated;

static int phase_index(const char *p)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(phases); i++)
		if (!strcmp(p, phases[i]))
			return (int)i;
	return -1;
}

static void phase_changed(const char *path, const char *token, void *arg)
{
	changed = true;
}

bool nbt_orchestrated(void)
{
	char v[32];

	if (!probed) {
		probed = true;
		orchestrated =
		    xs_read(XS_TXN_NIL, "data/ktest/phase", v, sizeof(v)) >= 0;
	}
	return orchestrated;
}

struct want {
	int idx;
};

static bool reached(void *arg)
{
	struct want *w = arg;
	char v[32];

	if (!changed)
		return false;
	changed = false;
	if (xs_read(XS_TXN_NIL, "data/ktest/phase", v, sizeof(v)) < 0)
		return false;
	return phase_index(v) >= w->idx;
}

int nbt_wait_phase(const char *name)
{
	struct want w = {.idx = phase_index(name)};
	int rc;

	if (!nbt_orchestrated())
		return -ENOENT;
	if (!watching) {
		if (xs_watch("data/ktest/phase", "nbt-phase", phase_changed,
			     NULL))
			return -EIO;
		watching = true;
	}
	changed = true; /* look at least once */
	rc = netback_wait(reached, &w, NBT_PHASE_NS);
	if (rc)
		pr_err("netback test: phase %s did not come (%d)\n", name, rc);
	return rc;
}

void nbt_ack(const char *name)
{
	if (nbt_orchestrated() && xs_write(XS_TXN_NIL, "data/ktest/ack", name))
		pr_err("netback test: cannot ack %s\n", name);
}

/*
 * Which frontend a vif is: its domain's name when the toolstack wrote
 * one, else the MAC the scenario gives it (DD-CONTRACT: dd-fe
 * 00:16:3e:dd:00:0b, dd-linux ...:0c, dd-hostile 00:16:3e:dd:01:NN).
 */
static const struct {
	const char *name;
	uint8_t mac[5], last; /* last: 0xff for any */
} by_mac[] = {
    {"dd-fe", {0x00, 0x16, 0x3e, 0xdd, 0x00}, 0x0b},
    {"dd-linux", {0x00, 0x16, 0x3e, 0xdd, 0x00}, 0x0c},
    {"dd-hostile", {0x00, 0x16, 0x3e, 0xdd, 0x01}, 0xff},
};

bool nbt_is(const struct netback_vif_info *v, const char *name)
{
	if (v->name[0])
		return !strcmp(v->name, name);
	for (unsigned int i = 0; i < ARRAY_SIZE(by_mac); i++)
		if (!strcmp(by_mac[i].name, name) &&
		    !memcmp(v->mac, by_mac[i].mac, 5) &&
		    (by_mac[i].last == 0xff || v->mac[5] == by_mac[i].last))
			return true;
	return false;
}

void nbt_sum(const char *name, struct nbt_sum *s)
{
	struct netback_vif_info v;

	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; netback_vif_get(i, &v); i++) {
		if (!v.used || !nbt_is(&v, name))
			continue;
		s->vifs++;
		s->connected += v.connected;
		s->broken += v.broken;
		s->fe_id = v.fe_id;
		s->tx_ok += v.tx_ok;
		s->tx_err += v.tx_err;
		s->rx_ok += v.rx_ok;
		s->rx_dropped += v.rx_dropped;
		s->to_vif += v.to_vif;
		s->to_stack += v.to_stack;
		s->err_ref += v.err_ref;
		s->refused_map += v.refused_map;
		s->refused_xen += v.refused_xen;
		s->mapped += v.mapped;
	}
}

static bool served(void *arg)
{
	struct nbt_sum s;

	nbt_sum(arg, &s);
	return s.connected && s.tx_ok && s.rx_ok;
}

int nbt_wait_served(const char *name, uint64_t timeout_ns)
{
	return netback_wait(served, (void *)name, timeout_ns);
}

struct serve {
	uint64_t end, next;
	void (*sample)(void *arg);
	void *arg;
};

static bool serve_done(void *arg)
{
	struct serve *s = arg;
	uint64_t now = time_now_ns();

	if (s->sample && now >= s->next) {
		s->sample(s->arg);
		s->next = now + NBT_SEC / 10;
	}
	return now >= s->end;
}

void nbt_serve_for(uint64_t ns, void (*sample)(void *arg), void *arg)
{
	struct serve s = {
	    .end = time_now_ns() + ns, .sample = sample, .arg = arg};

	(void)netback_wait(serve_done, &s, ns + NBT_SEC);
}
