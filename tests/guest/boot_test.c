/*
 * boot.*: the start info as this boot received it (memory map, command
 * line), and the validation of bad start info on synthetic input.
 */
#include "lib/compiler.h" /* the Xen headers need stdint first */
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "lib/errno.h"
#include "lib/string.h"

extern char _start[], _end[];

KTEST(boot, memmap_parsed)
{
	uint64_t free_bytes = 0;

	KT_EXPECT(boot_info.version >= 1);
	KT_ASSERT(boot_info.nr_ram > 0);
	KT_EXPECT(boot_info.ram_top > (uintptr_t)_end);
	for (unsigned int i = 0; i < boot_info.nr_free; i++) {
		const struct boot_range *r = &boot_info.free[i];

		free_bytes += r->end - r->start;
		/* Nothing below 1 MiB, nothing overlapping the kernel. */
		KT_EXPECT(r->start >= 0x100000);
		KT_EXPECT(r->end <= (uintptr_t)_start ||
			  r->start >= (uintptr_t)_end);
	}
	KT_EXPECT(free_bytes > 1024 * 1024);
	ktest_diag("%u RAM ranges, %u free ranges, %lu KiB free",
		   boot_info.nr_ram, boot_info.nr_free, free_bytes / 1024);
}

/* Where `key=` starts a word of the command line, or NULL. */
static const char *find_word(const char *line, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = line; *p; p++)
		if ((p == line || p[-1] == ' ') && !strncmp(p, key, n))
			return p + n;
	return NULL;
}

KTEST(boot, cmdline_parsed)
{
	const char *f = cmdline_test_filter();
	const char *v = find_word(boot_info.cmdline, "test=");

	/* We run, so test= was given and parsed into exactly its value. */
	KT_ASSERT(f != NULL && v != NULL);
	KT_EXPECT(!strncmp(v, f, strlen(f)));
	KT_EXPECT(v[strlen(f)] == '\0' || v[strlen(f)] == ' ');
}

KTEST(boot, cmdline_rejects_unknown)
{
	int before = cmdline_errors();

	KT_EXPECT_EQ(cmdline_parse("no-such-key=1"), 1);
	KT_EXPECT_EQ(cmdline_parse("loglevel=99"), 1);
	KT_EXPECT_EQ(cmdline_parse("novalue"), 1);
	KT_EXPECT_EQ(cmdline_parse("   "), 0);
	/* Counted for the record; the verdict used the count from before. */
	KT_EXPECT_EQ(cmdline_errors(), before + 3);
}

/* KPARAM_BOOL's parser: exactly "0" or "1", nothing else changes it. */
KTEST(boot, cmdline_bool_strict)
{
	bool b = false;

	KT_EXPECT_EQ(cmdline_bool("1", &b), 0);
	KT_EXPECT(b);
	KT_EXPECT_EQ(cmdline_bool("0", &b), 0);
	KT_EXPECT(!b);
	KT_EXPECT_EQ(cmdline_bool("yes", &b), -EINVAL);
	KT_EXPECT_EQ(cmdline_bool("10", &b), -EINVAL);
	KT_EXPECT_EQ(cmdline_bool("", &b), -EINVAL);
	KT_EXPECT(!b);
}

KTEST(boot, bad_magic_rejected)
{
	static struct hvm_start_info si;
	struct boot_info *bi = mm_zalloc(sizeof(*bi));

	KT_ASSERT(bi);
	memset(&si, 0, sizeof(si));
	si.magic = 0x12345678;
	KT_EXPECT_EQ(bootinfo_parse((uintptr_t)&si, bi), -EINVAL);
	KT_EXPECT_EQ(bootinfo_parse(0, bi), -EINVAL);
	/* A wild pointer is reported, not faulted on. */
	KT_EXPECT_EQ(bootinfo_parse(0x200000000ULL, bi), -EINVAL);
	mm_free(bi);
}

/*
 * A memory map the loader got wrong: an entry that wraps, a version 0, and
 * (XSA-485 class) a count of 100000 entries over a table of two.  The
 * count is refused before one entry is read: the two real entries are
 * valid RAM, so a parser that reads on takes them (and runs past the
 * table) before its range table's own bound refuses the rest.
 */
KTEST(boot, bad_memmap_rejected)
{
	static struct hvm_start_info si;
	static struct hvm_memmap_table_entry m[2];
	struct boot_info *bi = mm_zalloc(sizeof(*bi));

	KT_ASSERT(bi);
	memset(&si, 0, sizeof(si));
	si.magic = XEN_HVM_START_MAGIC_VALUE;
	si.version = 1;
	si.memmap_paddr = (uintptr_t)m;
	si.memmap_entries = 1;
	m[0] = (struct hvm_memmap_table_entry){~0ULL - 10, 100,
					       XEN_HVM_MEMMAP_TYPE_RAM, 0};
	KT_EXPECT_EQ(bootinfo_parse((uintptr_t)&si, bi), -EINVAL); /* wraps */
	m[0] = (struct hvm_memmap_table_entry){16 << 20, 16 << 20,
					       XEN_HVM_MEMMAP_TYPE_RAM, 0};
	m[1] = (struct hvm_memmap_table_entry){48 << 20, 16 << 20,
					       XEN_HVM_MEMMAP_TYPE_RAM, 0};
	si.memmap_entries = 2;
	KT_EXPECT_EQ(bootinfo_parse((uintptr_t)&si, bi), 0); /* the sane map */
	KT_EXPECT_EQ(bi->nr_ram, 2);
	si.memmap_entries = 100000;
	KT_EXPECT_EQ(bootinfo_parse((uintptr_t)&si, bi), -EINVAL);
	KT_EXPECT_EQ(bi->nr_ram + bi->nr_reserved, 0); /* none read */
	si.version = 0;
	KT_EXPECT_EQ(bootinfo_parse((uintptr_t)&si, bi), -EINVAL);
	mm_free(bi);
}

/*
 * More map entries than the bound (128) and than the range tables hold
 * (BOOT_MAX_RANGES): each a valid RAM range, so only the count is wrong.
 */
#define LONG_MAP 200

/*
 * XSA-485 class: a command line three times our limit, a memory map of
 * LONG_MAP entries and a module count of 1000 in a start info of our own
 * making (the real toolstack hands us sane ones): the copy stops one byte
 * past CMDLINE_MAX, the rest of the boot info is untouched, the map and
 * the modules are refused before one entry is read.  "Before" is what
 * the range tables cannot show: they refuse a long map too, but only
 * after reading and keeping BOOT_MAX_RANGES of its entries.
 */
KTEST(boot, start_info_lengths_bounded)
{
	static struct hvm_start_info si;
	static struct hvm_memmap_table_entry m[1];
	static struct hvm_modlist_entry mods[2];
	/* From the heap while the test runs: 7.8 KiB of .bss otherwise. */
	struct long_input {
		struct hvm_memmap_table_entry map[LONG_MAP];
		char line[3 * CMDLINE_MAX];
	} *in = mm_zalloc(sizeof(*in));
	struct hvm_memmap_table_entry *map = in ? in->map : NULL;
	char *line = in ? in->line : NULL;
	struct boot_info *bi = mm_zalloc(sizeof(*bi));
	uint64_t at = 16 << 20;

	if (!in || !bi) {
		/* Fail with nothing left held. */
		mm_free(in);
		mm_free(bi);
		KT_ASSERT(in && bi);
	}
	memset(&si, 0, sizeof(si));
	si.magic = XEN_HVM_START_MAGIC_VALUE;
	si.version = 1;
	si.memmap_paddr = (uintptr_t)m;
	si.memmap_entries = 1;
	m[0] = (struct hvm_memmap_table_entry){16 << 20, 16 << 20,
					       XEN_HVM_MEMMAP_TYPE_RAM, 0};
	memset(line, 'x', sizeof(in->line) - 1);
	si.cmdline_paddr = (uintptr_t)line;
	KT_EXPECT_EQ(bootinfo_parse((uintptr_t)&si, bi), 0);
	KT_EXPECT_EQ(strnlen(bi->cmdline_buf, sizeof(bi->cmdline_buf)),
		     CMDLINE_MAX + 1);
	KT_EXPECT_EQ(bi->nr_ram, 1);
	KT_EXPECT_EQ(bi->ram[0].start, 16 << 20);
	/* Each length on its own from here: one rule off fails one check. */
	si.cmdline_paddr = 0;
	si.nr_modules = 1000;
	si.modlist_paddr = (uintptr_t)mods;
	KT_EXPECT_EQ(bootinfo_parse((uintptr_t)&si, bi), -EINVAL);
	si.nr_modules = 0;
	for (unsigned int i = 0; i < LONG_MAP; i++, at += 2 * PAGE_SIZE)
		map[i] = (struct hvm_memmap_table_entry){
		    at, PAGE_SIZE, XEN_HVM_MEMMAP_TYPE_RAM, 0};
	si.memmap_paddr = (uintptr_t)map;
	si.memmap_entries = LONG_MAP;
	KT_EXPECT_EQ(bootinfo_parse((uintptr_t)&si, bi), -EINVAL);
	KT_EXPECT_EQ(bi->nr_ram, 0); /* not one entry taken */
	mm_free(bi);
	mm_free(in);
}

KTEST(boot, ranges_remove_splits)
{
	struct boot_range r[4] = {{0x1000, 0x9000}};
	unsigned int n = 1;

	KT_EXPECT_EQ(boot_ranges_remove(r, &n, 4, 0x3000, 0x4000), 0);
	KT_ASSERT(n == 2);
	KT_EXPECT_EQ(r[0].end, 0x3000);
	KT_EXPECT_EQ(r[1].start, 0x4000);
	KT_EXPECT_EQ(boot_ranges_remove(r, &n, 4, 0, 0x3000), 0);
	KT_EXPECT_EQ(n, 1);
	KT_EXPECT_EQ(r[0].start, 0x4000);
	KT_EXPECT_EQ(boot_ranges_remove(r, &n, 1, 0x5000, 0x6000), -ENOSPC);
}
