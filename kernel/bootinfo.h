/*
 * What the loader told us, validated: struct hvm_start_info (Xen's public
 * header) is checked, the command line copied, and the memory map turned
 * into free RAM ranges with the kernel image, start_info, command line,
 * modules and the low 1 MiB taken out.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include "kernel/cmdline.h"
#include "lib/compiler.h"

#define BOOT_MAX_RANGES 64

struct boot_range {
	uint64_t start, end; /* [start, end) */
};

struct boot_info {
	uint32_t version;
	uint32_t flags;
	uint64_t rsdp;
	uint64_t start_info; /* where the loader put it (XSA-464 diagnostic) */
	const char *cmdline; /* = cmdline_buf, NUL-terminated */
	/* One byte over the limit, so cmdline_parse() sees and rejects it. */
	char cmdline_buf[CMDLINE_MAX + 2];
	unsigned int nr_ram;
	struct boot_range ram[BOOT_MAX_RANGES]; /* RAM as the map said */
	unsigned int nr_free;
	struct boot_range free[BOOT_MAX_RANGES]; /* RAM minus what is in use */
	unsigned int nr_reserved;
	struct boot_range reserved[BOOT_MAX_RANGES]; /* non-RAM map entries */
	uint64_t ram_top; /* end of the highest RAM range */
};

/*
 * Validate the start info at physical address `pa` and fill *bi.  Returns
 * 0, or -EINVAL with a message for a bad magic, version or memory map.
 */
int bootinfo_parse(uintptr_t pa, struct boot_info *bi);

/* Remove [start, end) from a range list; may split one range in two. */
int boot_ranges_remove(struct boot_range *r, unsigned int *nr, unsigned int max,
		       uint64_t start, uint64_t end);

/* The info of this boot (valid after kmain's bootinfo_parse). */
extern struct boot_info boot_info;

#endif
