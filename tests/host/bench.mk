# make bench-host: tests/host/bench_mm.c times kernel/mm (which adds
# itself and that file, kernel/mm/mm.mk) against glibc malloc/free, then
# tests/host/bench_csum.c lib's checksum loops.  Compiled as for the
# kernel, without sanitizers (BENCH_KCFLAGS in the top Makefile).
BENCH_BIN := $(O)/bench/bench-mm
BENCH_KERNEL_SRCS += lib/string.c lib/bitmap.c lib/checksum.c
BENCH_GLUE_SRCS += tests/host/bench_csum.c

$(BENCH_BIN):
	@echo "  BENCHLD $@"
	$(Q)$(CC) -o $@ $^

bench-host: $(BENCH_BIN)
	$(Q)$(BENCH_BIN)
