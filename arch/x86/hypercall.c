/*
 * Hypercalls for a PVH guest: VMCALL on Intel-like CPUs, VMMCALL on AMD
 * and Hygon, issued from this stub.  We never execute the hypercall page
 * Xen could write into guest memory: its contents are not speculation-safe
 * (XSA-466), and owning the instruction means we know exactly what runs.
 * The choice is made once from CPUID, before the first hypercall.
 *
 * 64-bit ABI: op in %rax, arguments in %rdi %rsi %rdx %r10 %r8, result in
 * %rax.  Xen may clobber the argument registers, so they are outputs too.
 */
#include "arch/x86/x86_priv.h"
#include "kernel/arch.h"
#include "lib/errno.h"
#include "lib/string.h"

#if BUGGY(XSA466)
/*
 * XSA-466 switched back on, for the tests to show failing: what older
 * guests did, asking Xen for a hypercall page (the MSR CPUID leaf base+2
 * names) and calling its 32-byte entries.
 */
static uint8_t hc_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

int arch_hypercall_init(void)
{
	uint32_t r[4];

	for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
		arch_cpuid(base, 0, r);
		if (memcmp(&r[1], "XenV", 4) || memcmp(&r[2], "MMXe", 4) ||
		    memcmp(&r[3], "nVMM", 4) || r[0] < base + 2)
			continue;
		arch_cpuid(base + 2, 0, r);
		x86_wrmsr(r[1], (uintptr_t)hc_page);
		return 0;
	}
	return -ENODEV;
}

long arch_hypercall(unsigned int op, unsigned long a1, unsigned long a2,
		    unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	void *entry = hc_page + (op & 127) * 32;
	long ret;

	__asm__ volatile("call *%[e]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
			   "+r"(r8)
			 : [e] "r"(entry)
			 : "memory");
	return ret;
}
#else
static enum { HC_NONE, HC_VMCALL, HC_VMMCALL } hc_insn;

/* XSA-466: the instruction is picked here once, never read from Xen. */
int arch_hypercall_init(void)
{
	uint32_t r[4];
	char vendor[13];

	arch_cpuid(0, 0, r);
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = '\0';
	if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine"))
		hc_insn = HC_VMMCALL;
	else if (!strcmp(vendor, "GenuineIntel") ||
		 !strcmp(vendor, "CentaurHauls") ||
		 !strcmp(vendor, "  Shanghai  "))
		hc_insn = HC_VMCALL;
	else
		return -ENODEV;
	return 0;
}

long arch_hypercall(unsigned int op, unsigned long a1, unsigned long a2,
		    unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	long ret;

	/* XSA-466: our own VMMCALL/VMCALL, never a hypercall page's stub. */
	if (hc_insn == HC_VMMCALL)
		__asm__ volatile("vmmcall"
				 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3),
				   "+r"(r10), "+r"(r8)
				 : "a"(op)
				 : "memory");
	else if (hc_insn == HC_VMCALL)
		__asm__ volatile("vmcall"
				 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3),
				   "+r"(r10), "+r"(r8)
				 : "a"(op)
				 : "memory");
	else
		ret = -ENOSYS;
	return ret;
}

#endif

void arch_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	x86_cpuid(leaf, subleaf, &regs[0], &regs[1], &regs[2], &regs[3]);
}

void arch_pause(void)
{
	__builtin_ia32_pause();
}
