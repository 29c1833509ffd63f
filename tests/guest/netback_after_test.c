/*
 * Driver-domain tests, last part (see netback_flood_test.c): after the
 * hostile frontend's domain is destroyed, what it held is gone, each of
 * its modes got the reaction the contract names, and the backend holds
 * nothing that no live vif accounts for.  Without an orchestrator, the
 * teardown test waits for this scenario's own frontends to leave and
 * checks that every mapping, port and frame came back.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/guest/expect.h"
#include "tests/guest/netback_phase.h"

#define HOSTILE		"dd-hostile"
#define GONE_NS		(60 * NBT_SEC)
#define ALONE_NS	(150 * NBT_SEC)
#define CLIENTS_GONE_NS (60 * NBT_SEC)

static bool after_ok, after_done;
static domid_t hostile_id;
static struct netback_vif_info hv[NETBACK_MAX_VIFS];
static unsigned int nr_hv;

static void snapshot(void)
{
	struct netback_vif_info v;

	nr_hv = 0;
	for (unsigned int i = 0; netback_vif_get(i, &v); i++)
		if (v.used && nbt_is(&v, HOSTILE)) {
			hostile_id = v.fe_id;
			if (nr_hv < NETBACK_MAX_VIFS)
				hv[nr_hv++] = v;
		}
}

static bool hostile_gone(void *arg)
{
	struct nbt_sum s;

	nbt_sum(HOSTILE, &s);
	return !s.vifs && gnttab_map_count(hostile_id) == 0;
}

static void run_after(void)
{
	if (after_done)
		return;
	after_done = true;
	/* Its vifs as the flood left them, then our ack of the flood: the
	 * orchestrator destroys the hostile only after it. */
	snapshot();
	nbt_ack("flood");
	if (nbt_wait_phase("after"))
		return;
	after_ok = !netback_wait(hostile_gone, NULL, GONE_NS);
}

/* Mappings, ports and frames that the live vifs do not account for. */
static void check_accounts(void)
{
	struct netback_vif_info v;
	struct gnttab_map_stats g;
	struct netback_stats st;
	uint32_t mapped = 0, queued = 0;

	for (unsigned int i = 0; netback_vif_get(i, &v); i++) {
		mapped += v.mapped;
		queued += v.queued;
	}
	gnttab_map_get_stats(&g);
	netback_get_stats(&st);
	ktest_diag("mapped %u (vifs account for %u), ports bound %lu closed "
		   "%lu, %u connected; frames free %u of %u, %u queued",
		   g.mapped, mapped, (unsigned long)st.ports_bound,
		   (unsigned long)st.ports_closed, st.connected, st.frames_free,
		   st.frames_total, queued);
	KT_EXPECT_EQ(g.mapped, mapped);
	KT_EXPECT_EQ(st.ports_bound - st.ports_closed, st.connected);
	KT_EXPECT_EQ(st.frames_free + queued, st.frames_total);
	KT_EXPECT_EQ(g.unmap_fails, 0);
}

#define NEED_AFTER()                                                           \
	do {                                                                   \
		if (!netback_enabled() || !netback_ready())                    \
			KT_SKIP("not in the backend role (netback=1)");        \
		if (!nbt_orchestrated())                                       \
			KT_SKIP("no orchestrator: no hostile frontend");       \
		run_after();                                                   \
		if (!nr_hv)                                                    \
			KT_SKIP("no hostile frontend was seen");               \
	} while (0)

KTEST(xsa300, released_after_destroy)
{
	NEED_AFTER();
	ktest_diag("hostile domain %u: %u vif(s) before destroy; gone: %s, "
		   "maps held now %u",
		   hostile_id, nr_hv, after_ok ? "yes" : "no",
		   gnttab_map_count(hostile_id));
	KT_EXPECT(after_ok);
	KT_EXPECT_EQ(gnttab_map_count(hostile_id), 0);
	check_accounts();
}

/* The contract's reaction to each mode (DD-CONTRACT, hostile modes). */
static bool reacted(const char *mode, const struct netback_vif_info *v)
{
	if (!strcmp(mode, "flood"))
		return v->refused_map > 0;
	if (!strcmp(mode, "badref"))
		return v->err_ref > 0 || v->broken;
	if (!strcmp(mode, "badsize"))
		return v->err_size > 0 || v->broken;
	if (!strcmp(mode, "multislot"))
		return v->err_multislot > 0 && !v->broken;
	if (!strcmp(mode, "prodjump"))
		return v->broken;
	if (!strcmp(mode, "storm"))
		return v->spurious > 0 && !v->broken;
	if (!strcmp(mode, "norx"))
		return v->queued_max <= 256 && !v->broken;
	if (!strcmp(mode, "closemid"))
		return v->teardowns > 0;
	return false;
}

KTEST(netback, bad_request_rejected)
{
	unsigned int seen = 0;
	char mode[16];

	NEED_AFTER();
	for (unsigned int i = 0; i < nr_hv; i++) {
		const struct netback_vif_info *v = &hv[i];
		bool named =
		    !expect_hostile_fe_mode(v->devid, mode, sizeof(mode));

		ktest_diag(
		    "vif %u/%u mode %s: broken %d (%s), size %lu ref "
		    "%lu multislot %lu extra %lu refused %lu spurious "
		    "%lu queued max %lu teardowns %lu, %lu break line(s)",
		    v->fe_id, v->devid, named ? mode : "?", v->broken,
		    v->why ? v->why : "-", (unsigned long)v->err_size,
		    (unsigned long)v->err_ref, (unsigned long)v->err_multislot,
		    (unsigned long)v->err_extra, (unsigned long)v->refused_map,
		    (unsigned long)v->spurious, (unsigned long)v->queued_max,
		    (unsigned long)v->teardowns, (unsigned long)v->break_logs);
		if (named) {
			KT_EXPECT(reacted(mode, v));
			seen++;
		}
		/* A broken device said so in one line per connection. */
		KT_EXPECT(v->break_logs <= v->connects);
		if (v->broken)
			KT_EXPECT(v->break_logs >= 1);
	}
	if (!seen) {
		/* No modes on our cmdline: something was refused, at least. */
		uint64_t any = 0;

		for (unsigned int i = 0; i < nr_hv; i++)
			any += hv[i].err_size + hv[i].err_ref +
			       hv[i].err_multislot + hv[i].refused_map +
			       hv[i].broken;
		KT_EXPECT(any > 0);
	}
	/*
	 * Only those devices: the good frontends never broke and are still
	 * connected and served (they were served through the flood window,
	 * which the hostile starts only after every breakage was seen:
	 * xsa300.good_frontends_served).
	 */
	for (unsigned int i = 0; i < 2; i++) {
		const char *name = i ? "dd-fe" : "dd-linux";
		struct nbt_sum s;

		nbt_sum(name, &s);
		KT_EXPECT_EQ(s.broken, 0);
		if (!nbt_client_expected(name))
			continue;
		KT_EXPECT(s.connected >= 1);
		KT_EXPECT(s.tx_ok > 0 && s.rx_ok > 0);
	}
}

static bool all_gone(void *arg)
{
	struct netback_stats st;

	netback_get_stats(&st);
	return st.scans > 0 && st.connected == 0 && st.rings_mapped > 0;
}

KTEST(netback, no_leak_after_teardown)
{
	struct netback_stats st;

	if (!netback_enabled() || !netback_ready())
		KT_SKIP("not in the backend role (netback=1)");
	if (nbt_orchestrated()) {
		run_after();
		check_accounts();
		nbt_ack("after");
		if (!nbt_wait_phase("done"))
			nbt_ack("done");
		/*
		 * The clients run their last tests in phase done too: serve
		 * until they have gone (bounded), then nothing may be left.
		 */
		if (netback_wait(all_gone, NULL, CLIENTS_GONE_NS)) {
			/* Their teardown is what this test checks: no pass. */
			netback_get_stats(&st);
			ktest_diag("%u client vif(s) still connected 60 s into "
				   "phase done",
				   st.connected);
			KT_ASSERT(st.connected == 0);
		}
		netback_get_stats(&st);
		KT_EXPECT_EQ(st.rings_unmapped, st.rings_mapped);
		KT_EXPECT_EQ(st.ports_closed, st.ports_bound);
		check_accounts();
		return;
	}
	/* Alone: our frontends finish their tests and go. */
	netback_get_stats(&st);
	if (!st.rings_mapped)
		KT_SKIP("no frontend ever connected");
	KT_EXPECT_EQ(netback_wait(all_gone, NULL, ALONE_NS), 0);
	netback_get_stats(&st);
	KT_EXPECT_EQ(st.rings_unmapped, st.rings_mapped);
	KT_EXPECT_EQ(st.ports_closed, st.ports_bound);
	check_accounts();
}
