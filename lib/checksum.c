/*
 * Internet checksum.  Big-endian 32-bit words are summed into a 64-bit
 * accumulator: since 2^16 == 1 modulo 0xffff, the sum of 32-bit words
 * folds to the same value as the sum of 16-bit words (RFC 1071 section
 * 2(B), deferred carries), and a 64-bit accumulator cannot overflow for
 * any buffer that fits in memory.  Bytes are loaded one at a time, so any
 * start address and length work without alignment rules.
 */
#include "lib/checksum.h"

static uint32_t fold32(uint64_t sum)
{
	sum = (sum & 0xffffffffUL) + (sum >> 32);
	sum = (sum & 0xffffffffUL) + (sum >> 32);
	return sum;
}

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

uint32_t csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;

	for (; len >= 4; len -= 4, p += 4)
		acc += load_be32(p);
	if (len >= 2) {
		acc += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)p[0] << 8;
	return fold32(acc);
}

/*
 * Copy and sum in one pass, eight bytes a step at any alignment: an 8-byte
 * __builtin_memcpy is one unaligned move on x86, where memcpy() of
 * misaligned buffers falls back to bytes.  On the datagram send path the
 * fused loop is three to five times the speed of memcpy() then
 * csum_partial() (make bench-host).  For the sum alone the 4-byte loop
 * above, which GCC turns into one load and a bswap, measured as fast as
 * an 8-byte one, so it stays as it is.
 */
uint32_t csum_partial_copy(void *dst, const void *src, size_t len, uint32_t sum)
{
	const uint8_t *s = src;
	uint8_t *d = dst;
	uint64_t acc = sum;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		__builtin_memcpy(&w, s + i, 8);
		__builtin_memcpy(d + i, &w, 8);
		w = __builtin_bswap64(w);
		acc += (w >> 32) + (w & 0xffffffffU);
	}
	for (size_t j = i; j < len; j++)
		d[j] = s[j];
	/* The tail starts at an even offset: csum_partial() may go on. */
	return csum_partial(s + i, len - i, fold32(acc));
}

uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

uint16_t csum_compute(const void *buf, size_t len)
{
	return csum_fold(csum_partial(buf, len, 0));
}

uint32_t csum_ipv4_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto,
			  uint16_t len, uint32_t sum)
{
	uint64_t acc = sum;

	/* saddr, daddr, then a zero byte and proto, then the length. */
	acc += saddr;
	acc += daddr;
	acc += proto;
	acc += len;
	return fold32(acc);
}

uint16_t csum_udp_ipv4(uint32_t saddr, uint32_t daddr, const void *udp,
		       uint16_t len)
{
	uint32_t sum = csum_ipv4_pseudo(saddr, daddr, 17, len, 0);
	uint16_t csum = csum_fold(csum_partial(udp, len, sum));

	return csum ? csum : 0xffff;
}

bool csum_udp_ipv4_ok(uint32_t saddr, uint32_t daddr, const void *udp,
		      uint16_t len)
{
	const uint8_t *h = udp;
	uint32_t sum;

	if (len < 8)
		return false;
	/* The checksum field is bytes 6-7; a sender may leave it 0. */
	if (h[6] == 0 && h[7] == 0)
		return true;
	sum = csum_ipv4_pseudo(saddr, daddr, 17, len, 0);
	return csum_fold(csum_partial(udp, len, sum)) == 0;
}
