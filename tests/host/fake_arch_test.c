/*
 * Suite `host`: the host harness itself.  The fake probes must really
 * fault and report what the CPU reported, or host tests of fault handling
 * would prove nothing; port I/O must be recorded as fake_arch.h promises.
 */
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/fake_arch.h"

#define X86_PF	 14
#define X86_GP	 13
#define X86_UD	 6
#define PF_WRITE (1u << 1)

static const uint64_t rodata_word = 0x1122334455667788ULL;

KTEST(host, probe_read)
{
	uint64_t word = 0xfeedfacecafebeefULL, val = 0;
	struct arch_fault f = {0};

	KT_EXPECT_EQ(arch_probe_read(&word, &val, &f), 0);
	KT_EXPECT_EQ(val, 0xfeedfacecafebeefULL);

	val = 7;
	KT_ASSERT(arch_probe_read((void *)8, &val, &f) == -EFAULT);
	KT_EXPECT_EQ(f.vector, X86_PF);
	KT_EXPECT_EQ(f.cr2, 8);
	KT_EXPECT_EQ(val, 7); /* untouched on a fault */

	/* Non-canonical: #GP, which has no fault address. */
	KT_ASSERT(arch_probe_read((void *)0x8000000000000000ULL, &val, &f) ==
		  -EFAULT);
	KT_EXPECT_EQ(f.vector, X86_GP);
}

KTEST(host, probe_write)
{
	uint64_t word = 0;
	struct arch_fault f = {0};

	KT_EXPECT_EQ(arch_probe_write(&word, 42, &f), 0);
	KT_EXPECT_EQ(word, 42);

	KT_ASSERT(arch_probe_write((void *)&rodata_word, 1, &f) == -EFAULT);
	KT_EXPECT_EQ(f.vector, X86_PF);
	KT_EXPECT(f.error_code & PF_WRITE);
	KT_EXPECT_EQ(f.cr2, (uintptr_t)&rodata_word);
	KT_EXPECT_EQ(rodata_word, 0x1122334455667788ULL);
	KT_EXPECT_EQ(arch_probe_write((void *)16, 1, NULL), -EFAULT);
}

KTEST(host, probe_ud)
{
	struct arch_fault f = {0};

	KT_ASSERT(arch_probe_ud(&f) == -EFAULT);
	KT_EXPECT_EQ(f.vector, X86_UD);
	KT_EXPECT_NE(f.rip, 0);
}

KTEST(host, port_io)
{
	struct fake_port_write w;

	fake_arch_reset_ports();
	KT_EXPECT_EQ(arch_inb(0x3f8), 0xff); /* empty bus */
	KT_EXPECT_EQ(fake_arch_set_inb(0x3fd, 0x60), 0);
	KT_EXPECT_EQ(arch_inb(0x3fd), 0x60);
	KT_EXPECT_EQ(fake_arch_set_inb(0x3fd, 0x20), 0); /* replaces */
	KT_EXPECT_EQ(arch_inb(0x3fd), 0x20);

	arch_outb(0xe9, 'A');
	arch_outb(0x3f8, 'B');
	w = fake_arch_last_outb();
	KT_EXPECT_EQ(w.port, 0x3f8);
	KT_EXPECT_EQ(w.val, 'B');
	KT_EXPECT_EQ(w.count, 2);
	fake_arch_reset_ports();
	KT_EXPECT_EQ(arch_inb(0x3fd), 0xff);
}

KTEST(host, irq_flag_and_cycles)
{
	uint64_t t0 = arch_cycles();

	arch_irq_disable();
	KT_EXPECT(!arch_irqs_enabled());
	arch_wait_for_interrupt();
	KT_EXPECT(arch_irqs_enabled());
	/* arch_irq_save() nests: the inner pair leaves them off. */
	KT_EXPECT(arch_irq_save());
	KT_EXPECT(!arch_irqs_enabled());
	KT_EXPECT(!arch_irq_save());
	arch_irq_restore(false);
	KT_EXPECT(!arch_irqs_enabled());
	arch_irq_restore(true);
	KT_EXPECT(arch_irqs_enabled());
	arch_irq_disable();
	KT_EXPECT(arch_cycles() > t0);
}

static int irq_count;

static void count_irq(void)
{
	irq_count++;
}

KTEST(host, irq_delivery)
{
	KT_EXPECT_EQ(arch_set_irq_handler(31, count_irq), -EINVAL);
	KT_EXPECT_EQ(fake_arch_raise_irq(0xf0), -ENOENT);
	KT_ASSERT(arch_set_irq_handler(0xf0, count_irq) == 0);
	arch_irq_disable();
	KT_EXPECT_EQ(fake_arch_raise_irq(0xf0), -EAGAIN);
	arch_irq_enable();
	KT_EXPECT_EQ(fake_arch_raise_irq(0xf0), 0);
	KT_EXPECT_EQ(irq_count, 1);
	arch_irq_disable();
	arch_set_irq_handler(0xf0, NULL);
}

KTEST(host, cpuid_hides_hypervisor)
{
	uint32_t r[4];

	arch_cpuid(0, 0, r);
	KT_EXPECT(r[0] >= 1); /* highest basic leaf */
	arch_cpuid(1, 0, r);
	KT_EXPECT(!(r[2] & (1u << 31)));
	arch_cpuid(0x40000000, 0, r);
	KT_EXPECT(!r[0] && !r[1] && !r[2] && !r[3]);
	KT_EXPECT(arch_boot_cycles() && arch_boot_cycles() < arch_cycles());
}

KTEST(host, symbol_lookup)
{
	uintptr_t off = 0;
	char buf[ARCH_SYMBOL_MAX];
	const char *name =
	    arch_symbol((uintptr_t)ktest_run + 3, &off, buf, sizeof(buf));

	KT_ASSERT(name != NULL);
	KT_EXPECT(!strcmp(name, "ktest_run"));
	KT_EXPECT_EQ(off, 3);
}
