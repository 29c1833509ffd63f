/* make bench-host: the parts of the one benchmark program. */
#ifndef TESTS_HOST_BENCH_H
#define TESTS_HOST_BENCH_H

/* bench_csum.c: lib's checksum loops; prints its own table. */
void bench_csum(void);

#endif
