/*
 * Start-info validation and the free-memory map.  The start info comes
 * from the loader (Xen's toolstack or QEMU); it is read once, checked, and
 * only our copy is used afterwards.
 */
#include "lib/compiler.h" /* the Xen headers need stdint first */
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "kernel/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"

/*
 * BUGGY(XSA485): the lengths the loader hands over (command line, memory
 * map entries, modules) are used as they come.
 */

#define MAX_MEMMAP  128
#define MAX_MODULES 16
#define LOW_MEM_END 0x100000ULL
/* boot/head.S identity-maps the low 4 GiB; memory above is not used. */
#define MAPPED_END 0x100000000ULL

struct boot_info boot_info;
extern char _start[], _end[];

int boot_ranges_remove(struct boot_range *r, unsigned int *nr, unsigned int max,
		       uint64_t start, uint64_t end)
{
	if (end <= start)
		return 0;
	for (unsigned int i = 0; i < *nr; i++) {
		struct boot_range *x = &r[i];

		if (end <= x->start || start >= x->end)
			continue;
		if (start > x->start && end < x->end) { /* split in two */
			if (*nr >= max)
				return -ENOSPC;
			r[*nr] = (struct boot_range){end, x->end};
			(*nr)++;
			x->end = start;
		} else if (start <= x->start && end >= x->end) {
			r[i--] = r[--(*nr)]; /* fully covered: drop */
		} else if (start <= x->start) {
			x->start = end;
		} else {
			x->end = start;
		}
	}
	return 0;
}

static int add_range(struct boot_range *r, unsigned int *nr, uint64_t s,
		     uint64_t e)
{
	if (*nr >= BOOT_MAX_RANGES)
		return -ENOSPC;
	r[(*nr)++] = (struct boot_range){s, e};
	return 0;
}

static int parse_memmap(const struct hvm_start_info *si, struct boot_info *bi)
{
	const struct hvm_memmap_table_entry *m;

	if (si->version < 1 || !si->memmap_entries || !si->memmap_paddr) {
		pr_err("boot: start info has no memory map (version %u)\n",
		       si->version);
		return -EINVAL;
	}
	/* XSA-485 class: a count from the loader is bounded before use. */
	if (!BUGGY(XSA485) && si->memmap_entries > MAX_MEMMAP) {
		pr_err("boot: memory map has %u entries, limit %d\n",
		       si->memmap_entries, MAX_MEMMAP);
		return -EINVAL;
	}
	m = (const void *)(uintptr_t)si->memmap_paddr;
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		uint64_t s = m[i].addr, len = m[i].size;
		bool ram = m[i].type == XEN_HVM_MEMMAP_TYPE_RAM;

		if (len > UINT64_MAX - s) {
			pr_err("boot: memory map entry %u wraps\n", i);
			return -EINVAL;
		}
		if (add_range(ram ? bi->ram : bi->reserved,
			      ram ? &bi->nr_ram : &bi->nr_reserved, s,
			      s + len)) {
			pr_err("boot: too many memory map entries\n");
			return -EINVAL;
		}
		if (ram && s + len > bi->ram_top)
			bi->ram_top = s + len;
	}
	return bi->nr_ram ? 0 : -EINVAL;
}

/*
 * XSA-485 class (a length handed over by the hypervisor or toolstack used
 * unbounded): the loader's string is measured only up to one byte past
 * our limit, so the copy fits and cmdline_parse() sees it is too long.
 */
static void copy_cmdline(const struct hvm_start_info *si, struct boot_info *bi)
{
	const char *src = (const char *)(uintptr_t)si->cmdline_paddr;
	size_t n = !src		   ? 0
		   : BUGGY(XSA485) ? strlen(src)
				   : strnlen(src, CMDLINE_MAX + 1);

	if (n)
		memcpy(bi->cmdline_buf, src, n);
	bi->cmdline_buf[n] = '\0';
	bi->cmdline = bi->cmdline_buf;
}

/* Free RAM = RAM - low 1 MiB - >4 GiB - everything the loader handed us. */
static int compute_free(const struct hvm_start_info *si, uintptr_t pa,
			struct boot_info *bi)
{
	struct boot_range *f = bi->free;
	unsigned int *n = &bi->nr_free;
	const struct hvm_modlist_entry *mod;
	size_t cl = bi->cmdline ? strlen(bi->cmdline) + 1 : 0;
	int rc = 0;

	memcpy(f, bi->ram, bi->nr_ram * sizeof(*f));
	*n = bi->nr_ram;
	rc |= boot_ranges_remove(f, n, BOOT_MAX_RANGES, 0, LOW_MEM_END);
	rc |= boot_ranges_remove(f, n, BOOT_MAX_RANGES, MAPPED_END, UINT64_MAX);
	rc |= boot_ranges_remove(f, n, BOOT_MAX_RANGES, (uintptr_t)_start,
				 (uintptr_t)_end);
	rc |= boot_ranges_remove(f, n, BOOT_MAX_RANGES, pa, pa + sizeof(*si));
	rc |= boot_ranges_remove(f, n, BOOT_MAX_RANGES, si->cmdline_paddr,
				 si->cmdline_paddr + cl);
	rc |= boot_ranges_remove(f, n, BOOT_MAX_RANGES, si->memmap_paddr,
				 si->memmap_paddr +
				     si->memmap_entries *
					 sizeof(struct hvm_memmap_table_entry));
	/* XSA-485 class: the module count, before the list is read. */
	if (!BUGGY(XSA485) && si->nr_modules > MAX_MODULES) {
		pr_err("boot: %u modules, limit %d\n", si->nr_modules,
		       MAX_MODULES);
		return -EINVAL;
	}
	mod = (const void *)(uintptr_t)si->modlist_paddr;
	if (si->nr_modules)
		rc |= boot_ranges_remove(
		    f, n, BOOT_MAX_RANGES, si->modlist_paddr,
		    si->modlist_paddr + si->nr_modules * sizeof(*mod));
	for (uint32_t i = 0; i < si->nr_modules; i++)
		if (mod[i].size <= UINT64_MAX - mod[i].paddr)
			rc |= boot_ranges_remove(f, n, BOOT_MAX_RANGES,
						 mod[i].paddr,
						 mod[i].paddr + mod[i].size);
	return rc ? -ENOSPC : 0;
}

int bootinfo_parse(uintptr_t pa, struct boot_info *bi)
{
	const struct hvm_start_info *si = (const void *)pa;
	uint64_t first = 0;
	int rc;

	memset(bi, 0, sizeof(*bi));
	/* A wild pointer must give this message, not a page fault. */
	if (!pa || arch_probe_read(si, &first, NULL) ||
	    (uint32_t)first != XEN_HVM_START_MAGIC_VALUE) {
		pr_err("boot: bad start info magic %#x at %#lx (want %#x)\n",
		       (uint32_t)first, pa, XEN_HVM_START_MAGIC_VALUE);
		return -EINVAL;
	}
	bi->version = si->version;
	bi->flags = si->flags;
	bi->rsdp = si->rsdp_paddr;
	bi->start_info = pa;
	copy_cmdline(si, bi);
	rc = parse_memmap(si, bi);
	if (!rc)
		rc = compute_free(si, pa, bi);
	return rc;
}
