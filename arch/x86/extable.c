/*
 * Exception table: pairs of (instruction that may fault, where to resume).
 * An expected fault is recorded so the caller (a probe, a test) can see
 * exactly what the CPU reported.
 */
#include "arch/x86/x86_priv.h"
#include "kernel/arch.h"

struct extable_entry {
	uintptr_t insn;
	uintptr_t fixup;
};

extern const struct extable_entry __start_ex_table[], __stop_ex_table[];
static struct arch_fault last_fault;

int x86_probe_read64(const void *addr, uint64_t *val);
int x86_probe_write64(void *addr, uint64_t val);
int x86_probe_ud(void);
void x86_probe_idle_wakeup(unsigned int vector);

bool x86_extable_fixup(struct x86_regs *regs)
{
	const struct extable_entry *e;

	for (e = __start_ex_table; e < __stop_ex_table; e++) {
		if (e->insn != regs->rip)
			continue;
		last_fault = (struct arch_fault){
		    .vector = regs->vector,
		    .error_code = regs->error_code,
		    .rip = regs->rip,
		    .cr2 = regs->vector == X86_EXC_PF ? x86_read_cr2() : 0,
		};
		regs->rip = e->fixup;
		return true;
	}
	return false;
}

static int probe_result(int rc, struct arch_fault *fault)
{
	if (rc && fault)
		*fault = last_fault;
	return rc;
}

int arch_probe_read(const void *addr, uint64_t *val, struct arch_fault *fault)
{
	return probe_result(x86_probe_read64(addr, val), fault);
}

int arch_probe_write(void *addr, uint64_t val, struct arch_fault *fault)
{
	return probe_result(x86_probe_write64(addr, val), fault);
}

int arch_probe_ud(struct arch_fault *fault)
{
	return probe_result(x86_probe_ud(), fault);
}

void arch_probe_idle_wakeup(unsigned int vector)
{
	x86_probe_idle_wakeup(vector);
}
