/*
 * kernel/arch.h for the host unit tests.  Honest where the host can be:
 * the probes really fault and recover (through signals instead of the
 * exception table, reporting the vector, error code and fault address the
 * CPU gave Linux), the cycle counter is the real TSC, backtraces are
 * glibc's, CPUID is the real one with any hypervisor hidden.  Interrupts
 * and port I/O are simulated: the interrupt flag is a variable, interrupts
 * are raised by the test, port writes are recorded and port reads come
 * from a small table (see fake_arch.h).  The hypercall functions are not
 * here: they belong to a fake hypervisor.
 *
 * Hosted code: compiled without tests/host/host-names.h.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

#include "kernel/arch.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "tests/host/fake_arch.h"

#define NO_SANITIZE __attribute__((no_sanitize("address", "undefined")))

static struct fake_port_write last_outb;
static struct {
	uint16_t port;
	uint8_t val;
} inb_table[16];
static unsigned int inb_used;

void arch_outb(uint16_t port, uint8_t val)
{
	last_outb.port = port;
	last_outb.val = val;
	last_outb.count++;
}

uint8_t arch_inb(uint16_t port)
{
	unsigned int i;

	for (i = 0; i < inb_used; i++) {
		if (inb_table[i].port == port)
			return inb_table[i].val;
	}
	return 0xff;
}

struct fake_port_write fake_arch_last_outb(void)
{
	return last_outb;
}

int fake_arch_set_inb(uint16_t port, uint8_t val)
{
	unsigned int i;

	for (i = 0; i < inb_used && inb_table[i].port != port; i++)
		;
	if (i == ARRAY_SIZE(inb_table))
		return -ENOSPC;
	inb_table[i].port = port;
	inb_table[i].val = val;
	if (i == inb_used)
		inb_used++;
	return 0;
}

void fake_arch_reset_ports(void)
{
	inb_used = 0;
	last_outb = (struct fake_port_write){0};
}

uint64_t arch_cycles(void)
{
	return __builtin_ia32_rdtsc();
}

static uint64_t boot_cycles;

__attribute__((constructor)) static void record_boot_cycles(void)
{
	boot_cycles = __builtin_ia32_rdtsc();
}

uint64_t arch_boot_cycles(void)
{
	return boot_cycles;
}

/* A process has no PIT: callers fall back as on a machine without one. */
uint64_t arch_tsc_khz_from_pit(void)
{
	return 0;
}

/* Nothing to set up; Linux already leaves page 0 unmapped. */
void arch_init(void)
{
}

void arch_harden_paging(void)
{
}

/*
 * The real CPUID, minus any hypervisor: the machine running the tests may
 * itself be a Xen or KVM guest, and host tests must not detect it.  A fake
 * hypervisor, when linked, is reached through arch_hypercall() only.
 */
void arch_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	regs[0] = regs[1] = regs[2] = regs[3] = 0;
	if (leaf >= 0x40000000 && leaf < 0x50000000)
		return;
	__cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
	if (leaf == 1)
		regs[2] &= ~(1u << 31); /* "running under a hypervisor" */
}

void arch_pause(void)
{
	__builtin_ia32_pause();
}

/* Plain C, not rep stosq: AddressSanitizer sees (and bounds) every store. */
void arch_fill_words(void *p, uint64_t v, size_t words)
{
	uint64_t *w = p;

	while (words--)
		*w++ = v;
}

static void (*irq_handlers[256])(void);

int arch_set_irq_handler(unsigned int vector, void (*fn)(void))
{
	if (vector < 32 || vector > 255)
		return -EINVAL;
	irq_handlers[vector] = fn;
	return 0;
}

int fake_arch_raise_irq(unsigned int vector)
{
	if (vector > 255 || !irq_handlers[vector])
		return -ENOENT;
	if (!arch_irqs_enabled())
		return -EAGAIN;
	irq_handlers[vector]();
	return 0;
}

/* No interrupt will ever come: return at once, like a spurious wake-up. */
void arch_wait_for_interrupt(void)
{
	arch_irq_enable();
}

void arch_halt(void)
{
	fflush(stdout);
	abort();
}

void arch_backtrace(void)
{
	void *frames[32];
	int i, n = backtrace(frames, ARRAY_SIZE(frames));
	char **names = backtrace_symbols(frames, n);

	for (i = 0; i < n; i++)
		cons_printf("  %s\n", names ? names[i] : "?");
	free(names);
}

/* Finds exported symbols only: the binary is linked with -rdynamic. */
const char *arch_symbol(uintptr_t addr, uintptr_t *offset, char *buf,
			size_t len)
{
	Dl_info info;

	if (!dladdr((void *)addr, &info) || !info.dli_sname)
		return NULL;
	*offset = addr - (uintptr_t)info.dli_saddr;
	return info.dli_sname;
}

/* The one probe in flight: the signal handler jumps back to it. */
static sigjmp_buf probe_env;
static struct arch_fault probe_fault;

static void probe_handler(int sig, siginfo_t *si, void *ctx)
{
	const ucontext_t *uc = ctx;

	probe_fault.vector = uc->uc_mcontext.gregs[REG_TRAPNO];
	probe_fault.error_code = uc->uc_mcontext.gregs[REG_ERR];
	probe_fault.rip = uc->uc_mcontext.gregs[REG_RIP];
	probe_fault.cr2 = uc->uc_mcontext.gregs[REG_CR2];
	siglongjmp(probe_env, 1);
}

struct probe {
	void *addr;
	uint64_t val;
};

/*
 * Run `op` with fault signals caught.  The sanitizers must not check the
 * access itself (it is meant to fault), hence NO_SANITIZE on the ops.
 */
static int run_probe(void (*op)(struct probe *), struct probe *p,
		     struct arch_fault *fault)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL};
	struct sigaction sa = {.sa_sigaction = probe_handler,
			       .sa_flags = SA_SIGINFO};
	struct sigaction old[ARRAY_SIZE(sigs)];
	volatile int ret = 0;
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	if (sigsetjmp(probe_env, 1) == 0) {
		op(p);
	} else {
		ret = -EFAULT;
		if (fault)
			*fault = probe_fault;
	}
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	return ret;
}

NO_SANITIZE static void do_read(struct probe *p)
{
	p->val = *(volatile uint64_t *)p->addr;
}

NO_SANITIZE static void do_write(struct probe *p)
{
	*(volatile uint64_t *)p->addr = p->val;
}

NO_SANITIZE static void do_ud(struct probe *p)
{
	__builtin_trap(); /* ud2 on x86 */
}

int arch_probe_read(const void *addr, uint64_t *val, struct arch_fault *fault)
{
	struct probe p = {.addr = (void *)addr};
	int ret = run_probe(do_read, &p, fault);

	if (!ret)
		*val = p.val;
	return ret;
}

int arch_probe_write(void *addr, uint64_t val, struct arch_fault *fault)
{
	struct probe p = {.addr = addr, .val = val};

	return run_probe(do_write, &p, fault);
}

int arch_probe_ud(struct arch_fault *fault)
{
	struct probe p = {0};

	return run_probe(do_ud, &p, fault);
}
