// SPDX-License-Identifier: MIT
/*
 * Host unit test of the traffic peer's pure half (traffic_scan.c):
 * command parsing of what the guest writes (bounded, strict), the frame
 * scanner of the MSA01 capture (canary runs, non-zero trailers, probes),
 * and the /proc/interrupts and /proc/stat parsers.  Built with ASan/UBSan.
 */
#include "kernel/ktest.h"
#include "traffic.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int parse(const char *s, struct traffic_cmd *c)
{
	return traffic_parse_cmd(s, strlen(s), c);
}

KTEST(peer_traffic, cmd_good)
{
	struct traffic_cmd c;

	KT_EXPECT(parse("7 ping 192.0.2.2 1000", &c) == 0);
	KT_EXPECT(c.seq == 7 && c.nargs == 2);
	KT_EXPECT_STREQ(c.verb, "ping");
	KT_EXPECT_STREQ(c.arg[0], "192.0.2.2");
	KT_EXPECT_STREQ(c.arg[1], "1000");
	KT_EXPECT(parse("4294967295 capture-stop", &c) == 0);
	KT_EXPECT(c.seq == 4294967295u && c.nargs == 0);
}

KTEST(peer_traffic, cmd_bad)
{
	static const char *const bad[] = {
	    "",
	    "7",
	    "7 ",
	    " 7 ping",
	    "7  ping",
	    "7 ping ",
	    "x ping",
	    "4294967296 a",
	    "7 PING",
	    "7 p1ng",
	    "7 a 1 2 3 4 5",
	    "7 a\tb",
	    "-1 ping",
	    "7 aaaaaaaaaaaaaaaaaaaaaaa",
	    "7 a 0123456789012345678901234567890123456789",
	};
	struct traffic_cmd c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &c) == 0)
			ktest_fail_at(__FILE__, __LINE__, "accepted '%s'",
				      bad[i]);
	}
	/* An embedded NUL is not a terminator here. */
	KT_EXPECT(traffic_parse_cmd("7 ping\0x", 8, &c) != 0);
}

/* A UDP frame from `mac` to port `dport` with `pad` extra bytes. */
static size_t frame(uint8_t *f, const uint8_t *mac, uint16_t dport,
		    size_t payload, size_t pad, uint8_t fill)
{
	size_t tot = 20 + 8 + payload;

	memset(f, 0, 14 + tot + pad);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)(tot >> 8), f[17] = (uint8_t)tot;
	f[23] = 17;
	f[36] = (uint8_t)(dport >> 8), f[37] = (uint8_t)dport;
	memset(f + 42, fill, payload);
	return 14 + tot + pad;
}

KTEST(peer_traffic, scan)
{
	static const uint8_t mac[6] = {0, 0x16, 0x3e, 1, 2, 3};
	static const uint8_t other[6] = {0, 0x16, 0x3e, 9, 9, 9};
	struct traffic_capture c = {0};
	uint8_t f[1600];
	size_t n;

	n = frame(f, mac, TRAFFIC_PROBE_PORT, 10, 8, 'a');
	traffic_scan_frame(f, n, mac, &c);
	KT_EXPECT(c.frames == 1 && c.probes == 1 && !c.canary && !c.trailer);
	/* Non-zero padding after the datagram: a leak. */
	f[n - 1] = 0x6b;
	traffic_scan_frame(f, n, mac, &c);
	KT_EXPECT(c.trailer == 1);
	/* Seven canary bytes are data, eight are a leak. */
	n = frame(f, mac, 53, 7, 0, TRAFFIC_CANARY);
	traffic_scan_frame(f, n, mac, &c);
	KT_EXPECT(c.canary == 0);
	n = frame(f, mac, 53, 8, 0, TRAFFIC_CANARY);
	traffic_scan_frame(f, n, mac, &c);
	KT_EXPECT(c.canary == 1 && c.frames == 4 && c.probes == 2);
	/* Someone else's frame, runts, lying lengths: ignored or safe. */
	n = frame(f, other, TRAFFIC_PROBE_PORT, 8, 0, TRAFFIC_CANARY);
	traffic_scan_frame(f, n, mac, &c);
	KT_EXPECT(c.frames == 4);
	n = frame(f, mac, TRAFFIC_PROBE_PORT, 8, 0, 'r');
	for (size_t len = 0; len < n; len++) {
		struct traffic_capture r = {0};

		traffic_scan_frame(f, len, mac, &r);
		KT_EXPECT(r.frames == (len >= 14) && !r.probes && !r.trailer);
	}
	n = frame(f, mac, TRAFFIC_PROBE_PORT, 8, 0, 'b');
	f[16] = 0xff;
	traffic_scan_frame(f, n, mac, &c);
	KT_EXPECT(c.frames == 5 && c.probes == 2 && c.trailer == 1);
}

KTEST(peer_traffic, irqs)
{
	static const char text[] =
	    "           CPU0       CPU1\n"
	    "  8:         10         20  xen-dyn    -event     vif3.0-q0-tx\n"
	    "  9:          1          2  xen-dyn    -event     vif3.0-q0-rx\n"
	    " 10:        100        200  xen-dyn    -event     vif31.0-q0-tx\n"
	    " 11:          5          5  xen-dyn    -event     xenbus\n"
	    "NMI:          0          0   Non-maskable interrupts\n";

	KT_EXPECT(traffic_vif_irqs(text, 3) == 33);
	KT_EXPECT(traffic_vif_irqs(text, 31) == 300);
	KT_EXPECT(traffic_vif_irqs(text, 4) == 0);
	KT_EXPECT(traffic_vif_irqs("", 3) == 0);
}

KTEST(peer_traffic, cpu)
{
	struct traffic_cpu c;

	KT_EXPECT(traffic_cpu_parse("cpu  10 1 20 300 4 5 6 7 0 0\n"
				    "cpu0 10 1 20 300 4 5 6 7 0 0\n",
				    &c) == 0);
	KT_EXPECT(c.total == 353 && c.idle == 304 && c.steal == 7);
	/* Fewer fields (an old kernel): the rest count 0. */
	KT_EXPECT(traffic_cpu_parse("cpu  1 2 3 4\n", &c) == 0);
	KT_EXPECT(c.total == 10 && c.idle == 4 && c.steal == 0);
	KT_EXPECT(traffic_cpu_parse("cpu0 1 2 3 4\n", &c) == -1);
	KT_EXPECT(traffic_cpu_parse("cpu  1 2\n", &c) == -1);
	KT_EXPECT(traffic_cpu_parse("", &c) == -1);
}

KTEST(peer_traffic, pattern)
{
	uint8_t a[64], b[64];

	traffic_pattern(a, sizeof(a), 1);
	traffic_pattern(b, sizeof(b), 1);
	KT_EXPECT(!memcmp(a, b, sizeof(a)));
	traffic_pattern(b, sizeof(b), 2);
	KT_EXPECT(memcmp(a, b, sizeof(a)));
}
