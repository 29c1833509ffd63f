# kernel/mm: the buddy page allocator and the heap on top of it.
MM_SRCS := kernel/mm/page.c kernel/mm/poison.c kernel/mm/heap.c \
	kernel/mm/heap_check.c kernel/mm/check.c
# Suite `mm`: shared by the kernel and the host build.
MM_TEST_SRCS := tests/guest/mm_page.c tests/guest/mm_heap.c

KERNEL_SRCS += $(MM_SRCS) $(MM_TEST_SRCS)
HOST_KERNEL_SRCS += $(MM_SRCS)
# Host only: the randomised stress and checker tests, and the arena that
# stands in for RAM (hosted code: it mallocs).
HOST_TEST_SRCS += $(MM_TEST_SRCS) tests/host/mm_stress.c tests/host/mm_check.c
HOST_GLUE_SRCS += tests/host/mm_arena.c

# mm_fill() in kernel/mm/mm.h is an unrolled word loop, faster than lib's
# memset: keep GCC from turning it back into a call to memset.
NOLOOP_SRCS += $(MM_SRCS)
# make bench-host (tests/host/bench.mk; not part of `make test`); the
# benchmark times mm's poisoning too (mm_priv.h).
BENCH_KERNEL_SRCS += $(MM_SRCS)
BENCH_GLUE_SRCS += tests/host/bench_mm.c
# Every allocation and free runs here: -O2, not -Os (top Makefile).
HOT_SRCS += $(MM_SRCS)
