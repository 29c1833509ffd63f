/*
 * make bench-host (after bench_mm.c's table; `bench-mm csum` for this one
 * alone): the Internet checksum of lib/checksum.c, built as for
 * the kernel (-O2, general registers only, no sanitizers), over the
 * lengths the stack sums: an IPv4 header, a small and a full datagram.
 *   sum        csum_partial() alone (receive checks, headers);
 *   copy+sum   csum_partial_copy(), the send path's fused loop;
 *   memcpy+sum lib's memcpy() then csum_partial(): what the fused loop
 *              replaces (the buffers are misaligned, as a payload behind
 *              a 42-byte header is).
 * Each figure is ns per call: the median of RUNS timed runs of LOOPS
 * calls, after one untimed warm-up run.
 *
 * Hosted code: compiled without tests/host/host-names.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tests/host/bench.h"

#define RUNS  7
#define LOOPS 200000

/* lib/ as the kernel has it (memcpy under its host name). */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum);
uint32_t csum_partial_copy(void *dst, const void *src, size_t len,
			   uint32_t sum);
void *lib_memcpy(void *dst, const void *src, size_t n);

enum which { SUM, COPY_SUM, MEMCPY_SUM, NR_WHICH };

/* Cache-line aligned, so the figures do not move with the link. */
static uint8_t src[2048 + 8] __attribute__((aligned(64)));
static uint8_t dst[2048 + 8] __attribute__((aligned(64)));
static volatile uint32_t sink;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Odd offsets: a payload after Ethernet + IPv4 + UDP headers is. */
static void run(enum which w, size_t len)
{
	for (unsigned int i = 0; i < LOOPS; i++) {
		const uint8_t *s = src + 1 + (i & 2);
		uint8_t *d = dst + 3;

		switch (w) {
		case SUM:
			sink += csum_partial(s, len, i);
			break;
		case COPY_SUM:
			sink += csum_partial_copy(d, s, len, i);
			break;
		default:
			lib_memcpy(d, s, len);
			sink += csum_partial(d, len, i);
			break;
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_ns(enum which w, size_t len)
{
	double t[RUNS];

	run(w, len);
	for (unsigned int i = 0; i < RUNS; i++) {
		double t0 = now_ns();

		run(w, len);
		t[i] = (now_ns() - t0) / LOOPS;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

void bench_csum(void)
{
	static const size_t lens[] = {20, 64, 576, 1472};

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 37 + 1);
	printf("checksum, ns per call (median of %d runs of %d)\n", RUNS,
	       LOOPS);
	printf("%6s %8s %9s %11s\n", "bytes", "sum", "copy+sum", "memcpy+sum");
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		printf("%6zu %8.1f %9.1f %11.1f\n", lens[i],
		       median_ns(SUM, lens[i]), median_ns(COPY_SUM, lens[i]),
		       median_ns(MEMCPY_SUM, lens[i]));
}
