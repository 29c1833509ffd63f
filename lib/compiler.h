/*
 * Compiler helpers shared by every layer.  Only builtins here, no asm, so
 * lib/ stays free of architecture code and compiles unchanged on the host.
 */
#ifndef LIB_COMPILER_H
#define LIB_COMPILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define __must_check __attribute__((warn_unused_result))
#define __noreturn   __attribute__((noreturn))
#define __packed     __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __used	     __attribute__((used))
/* Keep registrations (tests, hooks) in source order within a section. */
#define __no_reorder   __attribute__((no_reorder))
#define __section(s)   __attribute__((section(s)))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __maybe_unused __attribute__((unused))

/*
 * BUGGY(RULE): 1 in a kernel built with BUGGY=<rule> (the Makefile defines
 * KTEST_BUGGY_<RULE>=1: upper case, '-' as '_'), 0 otherwise; a constant
 * usable in C (if (BUGGY(MSA00))) and in #if.  The one way a source
 * switches an advisory rule off for test-buggy: make check-layering checks
 * that every RULE named here is in tests/xen/buggy.mk's BUGGY_RULES and
 * that each of those is used.  (The placeholder trick of Linux's
 * IS_ENABLED(): "KTEST_BUGGY_X" expands to 1 only when defined so.)
 */
#define BUGGY(rule)			 ktest_buggy_is_1_(KTEST_BUGGY_##rule)
#define ktest_buggy_is_1_(v)		 ktest_buggy_paste_(v)
#define ktest_buggy_paste_(v)		 ktest_buggy_pick_(ktest_buggy_placeholder_##v)
#define ktest_buggy_placeholder_1	 0,
#define ktest_buggy_pick_(arg)		 ktest_buggy_second_(arg 1, 0, 0)
#define ktest_buggy_second_(x, val, ...) val

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

#define container_of(ptr, type, member)                                        \
	((type *)((char *)(ptr)-offsetof(type, member)))

#define MIN(a, b)	 ((a) < (b) ? (a) : (b))
#define MAX(a, b)	 ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a)	 (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)

/*
 * Accesses to memory another party may change under us (shared rings,
 * grant entries): exactly one load or store, never merged or repeated.
 */
#define READ_ONCE(x)	 (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* Orders only the compiler's view. */
#define barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)
/* Full fence (mfence on x86): orders our stores against later loads. */
#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
/* x86 is TSO: read/write ordering needs only the compiler not to reorder. */
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

#endif
