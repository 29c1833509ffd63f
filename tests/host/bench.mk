# make bench-host: tests/host/bench_mm.c times kernel/mm against glibc
# malloc/free.  kernel/mm and lib/string.c are compiled as for the kernel
# (-O2, freestanding, general registers only) with lib's names renamed as
# in the host tests, and no sanitizers: the figures are the kernel's code
# paths, not ASan's.  Included from kernel/mm/mm.mk (needs MM_SRCS).
ifndef BENCH_MK_INCLUDED
BENCH_MK_INCLUDED := 1

BENCH_BIN := $(O)/bench/bench-mm
BENCH_KOBJS := $(patsubst %.c,$(O)/bench/%.o,$(MM_SRCS) lib/string.c \
	lib/bitmap.c)
BENCH_OBJ := $(O)/bench/tests/host/bench_mm.o
BENCH_KCFLAGS := $(COMMON_CFLAGS) -ffreestanding -nostdinc \
	-isystem $(GCC_INC) -fno-stack-protector -mno-red-zone \
	-mgeneral-regs-only -fno-strict-aliasing -MMD -MP \
	-include tests/host/host-names.h
BENCH_CFLAGS := $(COMMON_CFLAGS) -MMD -MP

# As in lib.mk and mm.mk: keep GCC from turning fill loops into calls to
# memset.
$(BENCH_KOBJS): BENCH_KCFLAGS += -fno-tree-loop-distribute-patterns

$(BENCH_KOBJS): $(O)/bench/%.o: %.c tests/host/host-names.h \
		| $(O)/include/xen
	@mkdir -p $(dir $@)
	@echo "  BENCHCC $<"
	$(Q)$(CC) $(BENCH_KCFLAGS) -c $< -o $@

$(BENCH_OBJ): $(O)/bench/%.o: %.c | $(O)/include/xen
	@mkdir -p $(dir $@)
	@echo "  BENCHCC $<"
	$(Q)$(CC) $(BENCH_CFLAGS) -c $< -o $@

$(BENCH_BIN): $(BENCH_KOBJS) $(BENCH_OBJ)
	@echo "  BENCHLD $@"
	$(Q)$(CC) -o $@ $^

bench-host: $(BENCH_BIN)
	$(Q)$(BENCH_BIN)
endif
