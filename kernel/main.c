/*
 * kmain: the C entry from boot/head.S.  Brings the kernel up in the order
 * of DESIGN.md, runs the self tests named by `test=`, and stops with the
 * verdict.
 */
#include "kernel/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenstore.h"

void kmain(uint32_t start_info_pa);

static void add_free_memory(void)
{
	uint64_t pages = 0;

	for (unsigned int i = 0; i < boot_info.nr_free; i++) {
		const struct boot_range *r = &boot_info.free[i];

		if (mm_add_range((uintptr_t)r->start, (uintptr_t)r->end))
			pr_warn("mm: range %#lx-%#lx not usable\n", r->start,
				r->end);
		else
			pages += (r->end - r->start) >> PAGE_SHIFT;
	}
	pr_info("mm: %lu KiB free in %u ranges (RAM top %#lx)\n", pages * 4,
		boot_info.nr_free, boot_info.ram_top);
	if (!pages)
		panic("no usable memory");
}

/* What drivers need from Xen: xenstore (also tells our domid), grants. */
static void xen_services_init(void)
{
	int rc = xs_init();

	if (rc)
		pr_err("xenstore: not available (%d); devices stay down\n", rc);
	rc = gnttab_init();
	if (!rc)
		rc = gnttab_map_init();
	if (rc)
		pr_err("gnttab: not available (%d)\n", rc);
}

static __noreturn void run_tests(void)
{
	const char *filter = cmdline_test_filter();
	enum ktest_verdict v;
	uint64_t ns;

	if (!filter) {
		pr_info("no test= on the command line: nothing to do\n");
		filter = "none";
	}
	ktest_set_skip_list(cmdline_test_skip());
	ktest_set_stop_after(cmdline_test_stop_after());
	v = ktest_run(filter, cmdline_errors());
	ns = time_since_boot_ns();
	cons_printf("# entry to verdict: %lu.%03lu ms (%s)\n", ns / 1000000,
		    (ns / 1000) % 1000, time_source_name());
	ktest_print_verdict(v);
	power_off_verdict(v);
}

void kmain(uint32_t start_info_pa)
{
	arch_init();
	kinit_run(KINIT_EARLY_CONSOLE);
	pr_info("PVH ktest kernel starting\n");
	if (bootinfo_parse(start_info_pa, &boot_info)) {
		/* Not a crash we can recover from: say why on every channel. */
		cons_printf("boot: invalid start info: halting\n");
		power_off_panic();
	}
	arch_harden_paging();
	cmdline_parse(boot_info.cmdline);
	pr_info("cmdline: '%s'\n", boot_info.cmdline);
	add_free_memory();
	if (xen_detect() && !xen_init()) {
		kinit_run(KINIT_XEN_CONSOLE);
		xen_services_init();
	}
	/* Under Xen the clock is the pvclock (xen_init() installs it, or
	 * nothing if it failed): there is no PIT to calibrate against. */
	if (!xen_present())
		time_init();
	kinit_run(KINIT_DEVICES);
	run_tests();
}
