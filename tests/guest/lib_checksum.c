/*
 * Internet checksum: the RFC 1071 example, a real IPv4 header, UDP over
 * IPv4 including the 0 -> 0xffff rule, and every small length at every
 * start offset against a naive 16-bit reference.
 */
#include "kernel/ktest.h"
#include "lib/checksum.h"
#include "lib/string.h"

/* RFC 768/1071 arithmetic, spelled out: 16-bit words, end-around carry. */
static uint16_t ref_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

KTEST(lib, csum_rfc1071_example)
{
	/* RFC 1071 section 3: the words sum to 0xddf2. */
	static const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03,
				       0xf4, 0xf5, 0xf6, 0xf7};

	KT_EXPECT_EQ(csum_fold(csum_partial(data, sizeof(data), 0)), 0x220d);
	KT_EXPECT_EQ(csum_compute(data, sizeof(data)), 0x220d);
	KT_EXPECT_EQ(csum_fold(0xddf2), 0x220d);
}

KTEST(lib, csum_ipv4_header)
{
	/* 192.168.0.1 -> 192.168.0.199, UDP, checksum 0xb861 in bytes 10-11 */
	uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
			   0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
			   0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};

	/* A receiver sums the header as is and must get 0. */
	KT_EXPECT_EQ(csum_compute(hdr, sizeof(hdr)), 0);
	/* A sender sums it with the field zeroed, then stores big-endian. */
	hdr[10] = hdr[11] = 0;
	KT_EXPECT_EQ(csum_compute(hdr, sizeof(hdr)), 0xb861);
	hdr[15] ^= 1;
	KT_EXPECT_NE(csum_compute(hdr, sizeof(hdr)), 0xb861);
}

KTEST(lib, csum_odd_length_and_fold)
{
	static const uint8_t one[] = {0x01}, three[] = {0x12, 0x34, 0x56};

	/* An odd last byte is the high half of a zero-padded word. */
	KT_EXPECT_EQ(csum_compute(one, 1), 0xfeff);
	KT_EXPECT_EQ(csum_compute(three, 3), (uint16_t) ~(0x1234 + 0x5600));
	KT_EXPECT_EQ(csum_compute(one, 0), 0xffff);
	KT_EXPECT_EQ(csum_fold(0), 0xffff);
	KT_EXPECT_EQ(csum_fold(0xffff), 0);
	KT_EXPECT_EQ(csum_fold(0xffffffff), 0);
	KT_EXPECT_EQ(csum_fold(0x0001fffe), 0);
}

/* Every length 0..64 at every start offset 0..7 against the reference. */
KTEST(lib, csum_alignment_sweep)
{
	uint8_t buf[80];
	size_t off, len, i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 0x9d);
	for (off = 0; off < 8; off++) {
		for (len = 0; len <= 64; len++)
			KT_ASSERT(csum_compute(buf + off, len) ==
				  ref_csum(buf + off, len));
	}
}

/* Partial sums chain across even-length pieces, whatever their sizes. */
KTEST(lib, csum_partial_chaining)
{
	uint8_t buf[61];
	uint32_t sum;
	size_t i, cut;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0xff - i * 3);
	for (cut = 0; cut <= sizeof(buf); cut += 2) {
		sum = csum_partial(buf, cut, 0);
		sum = csum_partial(buf + cut, sizeof(buf) - cut, sum);
		KT_ASSERT(csum_fold(sum) == ref_csum(buf, sizeof(buf)));
	}
}

/*
 * Many all-ones words: the accumulator's carries must not be lost.  256
 * KiB in all, in 256 calls over 1 KiB (it was 64 over 4 KiB: the same
 * words, 3 KiB less of the kernel's image).
 */
KTEST(lib, csum_long_buffer)
{
	static uint8_t block[1024];
	uint32_t sum = 0;
	int i;

	memset(block, 0xff, sizeof(block));
	for (i = 0; i < 256; i++)
		sum = csum_partial(block, sizeof(block), sum);
	KT_EXPECT_EQ(csum_fold(sum), 0);
	block[0] = 0xfe;
	KT_EXPECT_EQ(csum_fold(csum_partial(block, sizeof(block), sum)),
		     0x0100);
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

KTEST(lib, csum_udp_ipv4)
{
	/* 192.168.0.1:1234 -> 192.168.0.199:5678, "hello, xen" */
	uint8_t udp[18] = {0x04, 0xd2, 0x16, 0x2e, 0x00, 0x12, 0x00, 0x00, 'h',
			   'e',	 'l',  'l',  'o',  ',',	 ' ',  'x',  'e',  'n'};
	uint32_t src = IP(192, 168, 0, 1), dst = IP(192, 168, 0, 199);

	KT_EXPECT_EQ(csum_udp_ipv4(src, dst, udp, sizeof(udp)), 0x98cc);
	KT_EXPECT(csum_udp_ipv4_ok(src, dst, udp, sizeof(udp))); /* none */
	udp[6] = 0x98;
	udp[7] = 0xcc;
	KT_EXPECT(csum_udp_ipv4_ok(src, dst, udp, sizeof(udp)));
	/* The pseudo-header counts: a different source must fail. */
	KT_EXPECT(!csum_udp_ipv4_ok(src + 1, dst, udp, sizeof(udp)));
	udp[17] ^= 0x20;
	KT_EXPECT(!csum_udp_ipv4_ok(src, dst, udp, sizeof(udp)));
	KT_EXPECT(!csum_udp_ipv4_ok(src, dst, udp, 7)); /* no full header */
}

KTEST(lib, csum_udp_zero_becomes_ffff)
{
	/* 10.0.0.1:7 -> 10.0.0.2:9; the payload makes the sum come to 0. */
	uint8_t udp[14] = {0x00, 0x07, 0x00, 0x09, 0x00, 0x0e, 0x00,
			   0x00, 'z',  'e',  'r',  'o',	 0xfe, 0xea};
	uint32_t src = IP(10, 0, 0, 1), dst = IP(10, 0, 0, 2);

	/* 0 on the wire means "no checksum": RFC 768 sends 0xffff. */
	KT_EXPECT_EQ(csum_udp_ipv4(src, dst, udp, sizeof(udp)), 0xffff);
	udp[6] = udp[7] = 0xff;
	KT_EXPECT(csum_udp_ipv4_ok(src, dst, udp, sizeof(udp)));
}

KTEST(lib, csum_ipv4_pseudo)
{
	uint32_t src = IP(192, 168, 0, 1), dst = IP(192, 168, 0, 199);
	uint8_t ph[12] = {192, 168, 0, 1, 192, 168, 0, 199, 0, 17, 0, 18};

	/* The helper equals summing the 12-byte pseudo-header itself. */
	KT_EXPECT_EQ(csum_fold(csum_ipv4_pseudo(src, dst, 17, 18, 0)),
		     ref_csum(ph, sizeof(ph)));
}
