/*
 * Suite `xsa464`: XSA-464 (libxl left host data in the slack of a PVH
 * guest's ACPI tables) as a diagnostic of the host, not a rule of ours.
 * The pages the toolstack built for us, the ACPI tables (RSDP, RSDT and
 * XSDT, every table they name, each FADT's DSDT and FACS) and the start
 * info page (the structure, module list, command lines, memory map), are
 * scanned whole: every byte no table or structure covers must be zero.
 * The test fails only if the scan cannot be done (no start info, a table
 * that does not parse); what it finds is the line
 *   # XSA-464 diagnostic: CLEAN|NOT-ZERO (acpi: ...; start info: ...)
 */
#include "kernel/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/ktest.h"
#include "kernel/xen/xen.h"
#include "lib/string.h"
#include <xen/arch-x86/hvm/start_info.h>

#define EXTENTS_MAX 48
#define PAGES_MAX   64	     /* a span this long is not toolstack tables */
#define TABLE_MAX   0x10000u /* longer than any table libacpi builds */
#define LOW_4G	    0x100000000ULL /* identity-mapped by boot/head.S */

/* ACPI 6.x 5.2.5.3 and 5.2.6: the layouts come from the ACPI spec. */
struct acpi_rsdp {
	char sig[8];
	uint8_t csum;
	char oem[6];
	uint8_t rev;
	uint32_t rsdt;
	uint32_t len;
	uint64_t xsdt;
	uint8_t xcsum, res[3];
} __packed;

struct acpi_sdt {
	char sig[4];
	uint32_t len;
	uint8_t rev, csum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __packed;

struct scan {
	uint64_t start[EXTENTS_MAX], end[EXTENTS_MAX];
	unsigned int n, tables;
	uint64_t slack, dirty, first_dirty;
};

/* False for a bad extent, and for one already known (named twice). */
static bool add(struct scan *s, uint64_t pa, uint64_t len)
{
	if (!pa || !len || len > TABLE_MAX || pa >= LOW_4G ||
	    len > LOW_4G - pa || s->n == EXTENTS_MAX)
		return false;
	for (unsigned int i = 0; i < s->n; i++)
		if (s->start[i] == pa)
			return false;
	s->start[s->n] = pa;
	s->end[s->n++] = pa + len;
	return true;
}

static bool covered(const struct scan *s, uint64_t pa)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (pa >= s->start[i] && pa < s->end[i])
			return true;
	return false;
}

/* A table named at `pa`: its header's length, checked, becomes an extent. */
static const struct acpi_sdt *table(struct scan *s, uint64_t pa)
{
	const struct acpi_sdt *t = (const void *)(uintptr_t)pa;
	uint64_t probe;

	if (!pa || pa >= LOW_4G || arch_probe_read(t, &probe, NULL) ||
	    !add(s, pa, t->len) || t->len < sizeof(*t))
		return NULL;
	s->tables++;
	return t;
}

static uint64_t u32_at(const struct acpi_sdt *t, uint32_t off)
{
	uint32_t v = 0;

	if (t->len >= off + 4)
		memcpy(&v, (const char *)t + off, 4);
	return v;
}

static uint64_t u64_at(const struct acpi_sdt *t, uint32_t off)
{
	uint64_t v = 0;

	if (t->len >= off + 8)
		memcpy(&v, (const char *)t + off, 8);
	return v;
}

/* The FADT names the DSDT and the FACS (whose length is at offset 4). */
static void fadt(struct scan *s, const struct acpi_sdt *f)
{
	uint64_t dsdt = u64_at(f, 140) ?: u32_at(f, 40);
	uint64_t facs = u64_at(f, 132) ?: u32_at(f, 36);

	table(s, dsdt);
	if (facs && facs < LOW_4G)
		add(s, facs, *(const uint32_t *)(uintptr_t)(facs + 4));
}

/*
 * Every table a root table (RSDT: 4-byte entries, XSDT: 8) names, and
 * what each FADT names.  False if the root itself does not parse.
 */
static bool root_walk(struct scan *s, uint64_t pa, unsigned int esz)
{
	const struct acpi_sdt *root = table(s, pa);

	if (!root)
		return false;
	for (uint32_t off = sizeof(*root); off + esz <= root->len; off += esz) {
		const struct acpi_sdt *t =
		    table(s, esz == 8 ? u64_at(root, off) : u32_at(root, off));

		if (t && !memcmp(t->sig, "FACP", 4))
			fadt(s, t);
	}
	return true;
}

static bool acpi_extents(struct scan *s, uint64_t rsdp_pa)
{
	const struct acpi_rsdp *r = (const void *)(uintptr_t)rsdp_pa;
	bool xsdt = r->rev >= 2 && r->xsdt;

	if (memcmp(r->sig, "RSD PTR ", 8) || (!r->rsdt && !xsdt) ||
	    !add(s, rsdp_pa, r->rev >= 2 ? r->len : 20))
		return false;
	/*
	 * Both roots when both are there: Xen's libacpi gives the RSDT a
	 * version-1 FADT of its own and the XSDT the current one, so
	 * walking only the XSDT took the v1 FADT for slack (the false
	 * NOT-ZERO of the first runs on the test host).
	 */
	if (r->rsdt && !root_walk(s, r->rsdt, 4))
		return false;
	return !xsdt || root_walk(s, r->xsdt, 8);
}

/*
 * XSA-464: every byte of the pages our extents touch that no extent
 * covers is slack, and must be zero.
 */
static bool scan_slack(struct scan *s)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (unsigned int i = 0; i < s->n; i++) {
		lo = MIN(lo, s->start[i] & ~(uint64_t)(PAGE_SIZE - 1));
		hi = MAX(hi, ALIGN_UP(s->end[i], PAGE_SIZE));
	}
	/* Not scanned is not clean: the caller fails the test on false. */
	if (!s->n || hi - lo > PAGES_MAX * PAGE_SIZE)
		return false;
	for (uint64_t pa = lo; pa < hi; pa++) {
		if (covered(s, pa))
			continue;
		s->slack++;
		if (*(const volatile uint8_t *)(uintptr_t)pa && !s->dirty++)
			s->first_dirty = pa;
	}
	return true;
}

static void start_info_extents(struct scan *s, uint64_t pa)
{
	const struct hvm_start_info *si = (const void *)(uintptr_t)pa;
	const struct hvm_modlist_entry *m;

	add(s, pa, sizeof(*si));
	if (si->cmdline_paddr && si->cmdline_paddr < LOW_4G)
		add(s, si->cmdline_paddr,
		    strnlen((const char *)(uintptr_t)si->cmdline_paddr,
			    TABLE_MAX - 1) +
			1);
	if (si->version >= 1)
		add(s, si->memmap_paddr,
		    (uint64_t)si->memmap_entries *
			sizeof(struct hvm_memmap_table_entry));
	add(s, si->modlist_paddr, (uint64_t)si->nr_modules * sizeof(*m));
	m = (const void *)(uintptr_t)si->modlist_paddr;
	for (uint32_t i = 0; si->modlist_paddr && i < si->nr_modules && i < 8;
	     i++)
		if (m[i].cmdline_paddr && m[i].cmdline_paddr < LOW_4G)
			add(s, m[i].cmdline_paddr,
			    strnlen((const char *)(uintptr_t)m[i].cmdline_paddr,
				    TABLE_MAX - 1) +
				1);
}

/* 16 bytes from `pa`, for a person to tell what they are. */
static void dump(uint64_t pa)
{
	const volatile uint8_t *p = (const void *)(uintptr_t)pa;

	ktest_diag("XSA-464: at %#lx: %02x %02x %02x %02x %02x %02x %02x %02x "
		   "%02x %02x %02x %02x %02x %02x %02x %02x",
		   (unsigned long)pa, p[0], p[1], p[2], p[3], p[4], p[5], p[6],
		   p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15]);
}

KTEST(xsa464, toolstack_pages_scanned)
{
	static struct scan acpi, si;
	bool have_acpi;

	if (!xen_present())
		KT_SKIP("not running under Xen");
	KT_ASSERT(boot_info.start_info && boot_info.start_info < LOW_4G);
	memset(&acpi, 0, sizeof(acpi));
	memset(&si, 0, sizeof(si));
	have_acpi = boot_info.rsdp != 0;
	if (have_acpi)
		KT_EXPECT(acpi_extents(&acpi, boot_info.rsdp));
	start_info_extents(&si, boot_info.start_info);
	KT_EXPECT(!have_acpi || scan_slack(&acpi));
	KT_EXPECT(scan_slack(&si) && si.slack > 0);
	ktest_diag("XSA-464 diagnostic: %s (acpi: %u tables, %lu of %lu slack "
		   "bytes not zero; start info: %lu of %lu)",
		   acpi.dirty || si.dirty ? "NOT-ZERO" : "CLEAN", acpi.tables,
		   (unsigned long)acpi.dirty, (unsigned long)acpi.slack,
		   (unsigned long)si.dirty, (unsigned long)si.slack);
	if (acpi.dirty || si.dirty)
		ktest_diag("XSA-464: first stray byte at %#lx (acpi), %#lx "
			   "(start info): outside every structure we know of, "
			   "not proof of a leak",
			   (unsigned long)acpi.first_dirty,
			   (unsigned long)si.first_dirty);
	if (acpi.dirty)
		dump(acpi.first_dirty);
	if (!have_acpi)
		ktest_diag("XSA-464: the start info names no RSDP");
}
