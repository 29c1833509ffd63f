// SPDX-License-Identifier: MIT
/*
 * Host unit test of hostile-netback's mode channel parsing (nb_request.c):
 * what a guest may write in data/ktest-nb/request, what is refused and
 * why, and the ack that names what will be served.
 */
#include "nb.h"
#include "kernel/ktest.h"

#include <errno.h>
#include <stdio.h>

static int parse(const char *s, struct nb_request *r, const char **why)
{
	return nb_request_parse(s, strlen(s), r, why);
}

KTEST(peer_nb_request, accepted)
{
	struct nb_request r;
	const char *why = "x";

	KT_ASSERT(parse("1 good", &r, &why) == 0);
	KT_EXPECT(why == NULL);
	KT_EXPECT_EQ(r.seq, 1);
	KT_EXPECT(r.mode == NB_GOOD);
	KT_EXPECT(!r.have_storm && !r.have_hold);
	KT_ASSERT(parse("4294967295 storm storm=20000", &r, &why) == 0);
	KT_EXPECT_EQ(r.seq, 4294967295u);
	KT_EXPECT(r.mode == NB_STORM);
	KT_EXPECT(r.have_storm && r.storm == 20000);
	KT_ASSERT(parse("7 hold-cycle hold=8 storm=1", &r, &why) == 0);
	KT_EXPECT(r.mode == NB_HOLD_CYCLE);
	KT_EXPECT(r.have_hold && r.hold_s == 8);
	KT_EXPECT(r.have_storm && r.storm == 1);
	/* hold=0: keep the mappings until the next switch. */
	KT_ASSERT(parse("8 hold-tx-grant hold=0", &r, &why) == 0);
	KT_EXPECT(r.have_hold && r.hold_s == 0);
	KT_EXPECT(!r.have_close);
	/* close=: a bound for this switch's close, up to the default 10 s. */
	KT_ASSERT(parse("9 good close=1", &r, &why) == 0);
	KT_EXPECT(r.have_close && r.close_s == 1);
	KT_ASSERT(parse("10 good close=10", &r, &why) == 0);
	KT_EXPECT(r.have_close && r.close_s == 10);
	/* Every mode the peer has can be asked for by its name. */
	for (unsigned int i = 0; i < NB_MODE_COUNT; i++) {
		char req[64];

		snprintf(req, sizeof(req), "%u %s", i + 1,
			 nb_mode_name((enum nb_mode)i));
		KT_EXPECT(parse(req, &r, &why) == 0);
		KT_EXPECT(r.mode == (enum nb_mode)i);
	}
}

/* Each refusal with the reason the guest is told. */
static const struct bad_req {
	const char *name;
	const char *req;
	const char *why;
} bad_reqs[] = {
    {"empty", "", "empty"},
    {"no_mode", "3", "no mode"},
    {"unknown_mode", "3 nonsense", "unknown mode"},
    {"mode_prefix", "3 goo", "unknown mode"},
    {"mode_case", "3 GOOD", "unknown mode"},
    {"seq_zero", "0 good", "bad seq (1..4294967295)"},
    {"seq_letters", "x1 good", "bad seq (1..4294967295)"},
    {"seq_sign", "+1 good", "bad seq (1..4294967295)"},
    {"seq_over", "4294967296 good", "bad seq (1..4294967295)"},
    {"seq_11_digits", "00000000001 good", "bad seq (1..4294967295)"},
    {"lead_space", " 1 good", "space at an end"},
    {"trail_space", "1 good ", "space at an end"},
    {"trail_space_opt", "1 storm storm=5 ", "space at an end"},
    {"two_spaces", "1  good", "no mode"},
    {"two_spaces_opt", "1 storm  storm=5", "two spaces in a row"},
    {"newline", "1 good\n", "unknown mode"},
    {"unknown_option", "1 storm burst=5", "unknown option"},
    {"option_no_value", "1 storm storm=", "unknown option"},
    {"storm_zero", "1 storm storm=0", "bad storm (1..100000000)"},
    {"storm_over", "1 storm storm=100000001", "bad storm (1..100000000)"},
    {"storm_hex", "1 storm storm=0x10", "bad storm (1..100000000)"},
    {"storm_twice", "1 storm storm=5 storm=6", "repeated option storm"},
    {"hold_over", "1 hold-cycle hold=86401", "bad hold (0..86400)"},
    {"hold_neg", "1 hold-cycle hold=-1", "bad hold (0..86400)"},
    {"hold_twice", "1 hold-cycle hold=1 hold=1", "repeated option hold"},
    {"close_zero", "1 good close=0", "bad close (1..10)"},
    {"close_over", "1 good close=11", "bad close (1..10)"},
    {"close_twice", "1 good close=1 close=2", "repeated option close"},
};

KTEST_PARAM(peer_nb_request, refused, bad_reqs)
{
	const struct bad_req *b = ktest_param();
	struct nb_request r;
	const char *why = NULL;

	KT_EXPECT(parse(b->req, &r, &why) == -EINVAL);
	KT_ASSERT(why != NULL);
	KT_EXPECT_STREQ(why, b->why);
}

KTEST(peer_nb_request, bounded)
{
	char req[NB_REQUEST_MAX + 8];
	struct nb_request r;
	const char *why;

	/* NUL inside: what a C string reader would silently cut. */
	KT_EXPECT(nb_request_parse("1 good\0x", 8, &r, &why) == -EINVAL);
	KT_EXPECT_STREQ(why, "too long or not text");
	/* Only the bytes given are read: "1 goodX" cut to "1 good". */
	KT_EXPECT(nb_request_parse("1 goodX", 6, &r, &why) == 0);
	KT_EXPECT(r.mode == NB_GOOD);
	/* At the bound and one past it. */
	memset(req, 'a', sizeof(req));
	memcpy(req, "1 good storm=1", 14);
	memset(req + 14, ' ', 1);
	KT_EXPECT(nb_request_parse(req, NB_REQUEST_MAX + 1, &r, &why) ==
		  -EINVAL);
	KT_EXPECT_STREQ(why, "too long or not text");
	KT_EXPECT(nb_request_parse(req, NB_REQUEST_MAX, &r, &why) == -EINVAL);
	KT_EXPECT_STREQ(why, "unknown option");
}

KTEST(peer_nb_request, ack)
{
	char buf[64];

	KT_EXPECT(nb_ack_format(buf, sizeof(buf), 12, NB_HOLD_CYCLE, 100000, 8,
				0) > 0);
	KT_EXPECT_STREQ(buf, "12 hold-cycle storm=100000 hold=8");
	/* close= asked: the ack says it was served with that bound. */
	KT_EXPECT(nb_ack_format(buf, sizeof(buf), 13, NB_GOOD, 1, 0, 2) > 0);
	KT_EXPECT_STREQ(buf, "13 good storm=1 hold=0 close=2");
	KT_EXPECT(nb_refusal_format(buf, sizeof(buf), 3, "unknown mode") > 0);
	KT_EXPECT_STREQ(buf, "3 refused unknown mode");
	/* Too small a buffer is an error, never a cut ack. */
	KT_EXPECT(nb_ack_format(buf, 10, 12, NB_GOOD, 1, 0, 0) == -E2BIG);
	KT_EXPECT(nb_refusal_format(buf, 8, 3, "unknown mode") == -E2BIG);
}
