/*
 * Suite `netback` (first part): the kernel as a driver domain serving
 * real frontends through the real toolstack (DD-CONTRACT, issue 8).  The
 * scenario creates this domain with `netback=1`, then dd-linux (Debian
 * Linux, xen-netfront) and dd-fe (our kernel's netfront), both with
 * `vif = ["backend=<us>,..."]`.  These tests check, from the backend:
 *   connect_linux / connect_ktest  the frontend's vif went through the
 *       whole handshake and was served: frames taken from its TX ring and
 *       frames put into its RX buffers (pings and UDP echo to us)
 *   switch_between_frontends       frames switched dd-fe <-> dd-linux in
 *       both directions (their pings to each other)
 * Outside the backend role, or without such a frontend, they SKIP.
 * The flood and teardown part is in netback_flood_test.c.
 */
#include "kernel/ktest.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include "tests/guest/netback_phase.h"

#define SERVED_NS      (150 * NBT_SEC) /* client creation + its boot, on TCG */
#define ALONE_NS       (60 * NBT_SEC)  /* without an orchestrator */
#define ALONE_OTHER_NS (15 * NBT_SEC)

#define NEED_ROLE()                                                            \
	do {                                                                   \
		if (!netback_enabled())                                        \
			KT_SKIP("not in the backend role (netback=1)");        \
		if (!netback_ready())                                          \
			KT_SKIP("backend role did not start (no xenstore?)");  \
	} while (0)

static int connect_phase(void)
{
	static bool acked;
	int rc = 0;

	if (!acked) {
		rc = nbt_wait_phase("connect");
		/* Ready to serve: the orchestrator creates the clients now. */
		nbt_ack("connect");
		acked = true;
	}
	return rc;
}

static bool any_vif(void *arg)
{
	struct netback_stats st;

	netback_get_stats(&st);
	return st.vifs > 0;
}

static void check_served(const char *name)
{
	uint64_t t = nbt_orchestrated() ? SERVED_NS : ALONE_NS;
	struct nbt_sum s;
	int rc;

	rc = connect_phase();
	if (rc && rc != -ENOENT)
		KT_SKIP("phase connect never came");
	if (nbt_orchestrated() && !nbt_client_expected(name))
		KT_SKIP("no such client in this scenario (netback.clients=)");
	if (!nbt_orchestrated()) {
		/* Alone: a frontend of another name means none of this one. */
		(void)netback_wait(any_vif, NULL, ALONE_NS);
		t = ALONE_OTHER_NS;
	}
	rc = nbt_wait_served(name, t);
	nbt_sum(name, &s);
	if (rc && !s.vifs && !nbt_orchestrated())
		KT_SKIP("no frontend of this name in this scenario");
	ktest_diag("%s (domain %u): %u vif(s), %u connected; tx ok %lu err %lu"
		   ", rx %lu, to stack %lu, to other vifs %lu",
		   name, s.fe_id, s.vifs, s.connected, (unsigned long)s.tx_ok,
		   (unsigned long)s.tx_err, (unsigned long)s.rx_ok,
		   (unsigned long)s.to_stack, (unsigned long)s.to_vif);
	KT_EXPECT_EQ(rc, 0);
	KT_EXPECT(s.connected >= 1);
	KT_EXPECT(s.tx_ok >= 1);
	KT_EXPECT(s.rx_ok >= 1);
	KT_EXPECT_EQ(s.broken, 0);
}

KTEST(netback, connect_linux)
{
	NEED_ROLE();
	check_served("dd-linux");
}

KTEST(netback, connect_ktest)
{
	NEED_ROLE();
	check_served("dd-fe");
}

static bool switched(void *arg)
{
	struct nbt_sum a, b;

	nbt_sum("dd-fe", &a);
	nbt_sum("dd-linux", &b);
	return a.to_vif >= 2 && b.to_vif >= 2;
}

KTEST(netback, switch_between_frontends)
{
	struct nbt_sum a, b;
	int rc;

	NEED_ROLE();
	nbt_sum("dd-fe", &a);
	nbt_sum("dd-linux", &b);
	if (!a.vifs || !b.vifs)
		KT_SKIP("needs both dd-fe and dd-linux");
	/* Their pings to each other: ARP, requests and replies each way. */
	rc = netback_wait(switched, NULL, 90 * NBT_SEC);
	nbt_sum("dd-fe", &a);
	nbt_sum("dd-linux", &b);
	ktest_diag("switched: dd-fe -> others %lu, dd-linux -> others %lu",
		   (unsigned long)a.to_vif, (unsigned long)b.to_vif);
	KT_EXPECT_EQ(rc, 0);
	KT_EXPECT(a.to_vif >= 2);
	KT_EXPECT(b.to_vif >= 2);
}
