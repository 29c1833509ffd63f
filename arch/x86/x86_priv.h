/*
 * x86-64 internals shared by the files of arch/x86/.  Generic code uses
 * kernel/arch.h instead.
 */
#ifndef ARCH_X86_X86_PRIV_H
#define ARCH_X86_X86_PRIV_H

#include "lib/compiler.h"

/* Register frame built by the interrupt entry stubs (arch/x86/entry.S). */
struct x86_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define X86_EXC_DE	  0
#define X86_EXC_DB	  1
#define X86_EXC_NMI	  2
#define X86_EXC_BP	  3
#define X86_EXC_UD	  6
#define X86_EXC_DF	  8
#define X86_EXC_GP	  13
#define X86_EXC_PF	  14
#define X86_NR_EXCEPTIONS 32

#define X86_RFLAGS_IF (1UL << 9)

static inline void x86_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a,
			     uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t x86_read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t x86_read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void x86_write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}

static inline void x86_invlpg(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

static inline uint64_t x86_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void x86_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

/* Install the IDT, GDT and TSS; before this a fault triple-faults. */
void x86_traps_init(void);
/* Common C handler called by every entry stub. */
void x86_trap(struct x86_regs *regs);
/* If `regs->rip` has an exception-table fixup, record and jump to it. */
bool x86_extable_fixup(struct x86_regs *regs);
/* Backtrace starting at the given frame pointer. */
void x86_backtrace_from(uintptr_t rbp, uintptr_t rip);
/* Split the first 2 MiB into 4 KiB pages and unmap page 0 (NULL). */
void x86_paging_init(void);

extern uint64_t boot_tsc;
extern char boot_stack_bottom[], boot_stack_top[];

#endif
