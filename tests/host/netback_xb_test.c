/*
 * Suite `netback_xb` (host): netback's half of the xenbus handshake
 * (drivers/netback/netback_xenbus.c) against the fake xenstored, the test
 * writing the toolstack's and the frontend's nodes: features and InitWait
 * offered, the frontend's keys bounded and request-rx-copy required, the
 * rings connected once, Closing/Closed followed by a clean release, a
 * reconnection, and a removed device forgotten without writing anything.
 * The ring glue (nb_connect_rings / nb_release) is faked here: it only
 * counts, so the state machine is what is tested.
 */
#include "kernel/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/xs_fake.h"
#include "drivers/netback/netback_priv.h"

#define BE_REL "backend/vif/5/0"
#define BE     XS_FAKE_HOME "/" BE_REL
#define FE     "/local/domain/5/device/vif/0"

static struct nb nb;
static struct nb_vif v;
static unsigned int connects, releases;
static grant_ref_t seen_tx, seen_rx;
static evtchn_port_t seen_port;
static int connect_rc;
static uint64_t now;

static uint64_t fake_now(void)
{
	return now;
}

static const struct nb_ops ops = {.now_ns = fake_now};

int nb_connect_rings(struct nb *n, struct nb_vif *vif, grant_ref_t tx_ref,
		     grant_ref_t rx_ref, evtchn_port_t port)
{
	if (connect_rc)
		return connect_rc;
	connects++;
	seen_tx = tx_ref;
	seen_rx = rx_ref;
	seen_port = port;
	return 0;
}

void nb_release(struct nb *n, struct nb_vif *vif)
{
	releases++;
	vif->state = NB_CLOSED;
}

static void setup(void)
{
	memset(&v, 0, sizeof(v));
	nb.ops = &ops;
	connects = releases = 0;
	connect_rc = 0;
	KT_ASSERT(xs_fake_setup(0) == 0);
	xs_fake_set(BE "/frontend", FE);
	xs_fake_set(BE "/frontend-id", "5");
	xs_fake_set(BE "/mac", "00:16:3e:dd:00:0b");
	xs_fake_set(BE "/domain", "dd-fe");
	xs_fake_set(BE "/online", "1");
	xs_fake_set(BE "/state", "1");
	xs_fake_set(FE "/state", "1");
	v.state = NB_NEW;
	v.fe_id = 5;
	strlcpy(v.be, BE_REL, sizeof(v.be));
}

static void fe_rings(const char *copy)
{
	xs_fake_set(FE "/tx-ring-ref", "8");
	xs_fake_set(FE "/rx-ring-ref", "9");
	xs_fake_set(FE "/event-channel", "11");
	if (copy)
		xs_fake_set(FE "/request-rx-copy", copy);
}

static bool be_is(const char *state)
{
	const char *s = xs_fake_get(BE "/state");

	return s && !strcmp(s, state);
}

KTEST(netback_xb, handshake_and_reconnect)
{
	setup();
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT(be_is("2"));
	KT_EXPECT_EQ(v.state, NB_INITWAIT);
	KT_EXPECT(!strcmp(v.name, "dd-fe"));
	KT_EXPECT(!strcmp(v.fe, FE));
	KT_EXPECT(v.mac[5] == 0x0b);
	KT_EXPECT(!strcmp(xs_fake_get(BE "/feature-rx-copy"), "1"));
	KT_EXPECT(!strcmp(xs_fake_get(BE "/feature-sg"), "0"));
	/* Nothing happens until the frontend has published. */
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(connects, 0);
	fe_rings("1");
	xs_fake_set(FE "/state", "4");
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(connects, 1);
	KT_EXPECT(seen_tx == 8 && seen_rx == 9 && seen_port == 11);
	KT_EXPECT(be_is("4"));
	/* Frontend Closing, then Closed: released once, Closing, Closed. */
	xs_fake_set(FE "/state", "5");
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(releases, 1);
	KT_EXPECT(be_is("5"));
	xs_fake_set(FE "/state", "6");
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT(be_is("6"));
	KT_EXPECT_EQ(releases, 1);
	/* It comes back: InitWait, then connected again. */
	xs_fake_set(FE "/state", "1");
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT(be_is("2"));
	xs_fake_set(FE "/state", "4");
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(connects, 2);
	KT_EXPECT(be_is("4"));
	/* The frontend vanishes (domain destroyed): released, Closed. */
	xs_fake_set(FE "/state", "");
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(releases, 2);
	KT_EXPECT(be_is("6"));
	xs_fake_teardown();
}

KTEST(netback_xb, frontend_keys_checked)
{
	static const char *const bad[][2] = {
	    {FE "/tx-ring-ref", "x8"},	  {FE "/rx-ring-ref", "4294967296"},
	    {FE "/event-channel", "-1"},  {FE "/request-rx-copy", "0"},
	    {FE "/request-rx-copy", "2"}, {FE "/multi-queue-num-queues", "4"},
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		setup();
		KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
		fe_rings("1");
		xs_fake_set(bad[i][0], bad[i][1]);
		xs_fake_set(FE "/state", "4");
		KT_EXPECT(nb_xb_step(&nb, &v) < 0);
		KT_EXPECT_EQ(connects, 0);
		KT_EXPECT(be_is("5"));
		KT_EXPECT_EQ(v.state, NB_CLOSED);
		xs_fake_teardown();
	}
	/* No request-rx-copy at all: refused too. */
	setup();
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	fe_rings(NULL);
	xs_fake_set(FE "/state", "4");
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), -EOPNOTSUPP);
	KT_EXPECT_EQ(connects, 0);
	xs_fake_teardown();
}

KTEST(netback_xb, toolstack_nodes_checked)
{
	/* A frontend path in another domain than the one named. */
	setup();
	xs_fake_set(BE "/frontend", "/local/domain/6/device/vif/0");
	KT_EXPECT(nb_xb_step(&nb, &v) < 0);
	KT_EXPECT(be_is("1"));
	xs_fake_teardown();
	setup();
	xs_fake_set(BE "/mac", "00:16:3e:dd:00");
	KT_EXPECT(nb_xb_step(&nb, &v) < 0);
	xs_fake_teardown();
}

KTEST(netback_xb, removal)
{
	setup();
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	fe_rings("1");
	xs_fake_set(FE "/state", "4");
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(connects, 1);
	/*
	 * libxl asks (online=0, state Closing): released and Closed at once;
	 * the directory stays until libxl can have read Closed (it takes a
	 * missing state node for a failed removal), then goes.
	 */
	xs_fake_set(BE "/online", "0");
	xs_fake_set(BE "/state", "5");
	now = 1000;
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(releases, 1);
	KT_EXPECT_EQ(v.state, NB_REMOVING);
	KT_EXPECT(be_is("6"));
	now += NB_REMOVE_DELAY_NS - 1;
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT(be_is("6"));
	now++;
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(releases, 1);
	KT_EXPECT_EQ(v.state, NB_FREE);
	KT_EXPECT(xs_fake_get(BE "/state") == NULL);
	KT_EXPECT(xs_fake_get(BE "/frontend") == NULL);
	xs_fake_teardown();
	/* Forced (xl destroy): dom0 removes it while we wait: forgotten. */
	setup();
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	xs_fake_set(BE "/online", "0");
	xs_fake_set(BE "/state", "5");
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(v.state, NB_REMOVING);
	KT_EXPECT_EQ(xs_rm(XS_TXN_NIL, BE_REL), 0);
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(v.state, NB_FREE);
	KT_EXPECT(xs_fake_get(BE "/state") == NULL);
	xs_fake_teardown();
	/* The toolstack removes the directory: forgotten, nothing written */
	setup();
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	fe_rings("1");
	xs_fake_set(FE "/state", "4");
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(xs_rm(XS_TXN_NIL, BE_REL), 0);
	KT_EXPECT_EQ(nb_xb_step(&nb, &v), 0);
	KT_EXPECT_EQ(v.state, NB_FREE);
	KT_EXPECT_EQ(releases, 1);
	KT_EXPECT(xs_fake_get(BE "/state") == NULL);
	xs_fake_teardown();
}
