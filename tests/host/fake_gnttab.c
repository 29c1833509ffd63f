/*
 * The fake grant table of fake_gnttab.h.  Built like the code under test
 * (freestanding, lib renamed), so its pages come from the kernel's own mm
 * over the host arena, and mm's double-free detection watches them too.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/fake_gnttab.h"

static struct fake_gnttab fake;

static int fake_add_frame(void *ctx, unsigned int idx,
			  grant_entry_v1_t **entries)
{
	struct fake_gnttab *f = ctx;

	if (idx >= f->fail_from)
		return f->add_rc;
	if (idx != f->frames_added || idx >= GNTTAB_MAX_FRAMES) {
		/* Xen grows one frame at a time; the core must ask in order. */
		pr_err("fake_gnttab: frame %u asked, %u expected\n", idx,
		       f->frames_added);
		return -EINVAL;
	}
	f->frames[idx] = mm_page_alloc_zeroed(0);
	if (!f->frames[idx])
		return -ENOMEM;
	f->frames_added++;
	*entries = f->frames[idx];
	return 0;
}

/* The slot of `page`: the live one if the address was reused. */
static int page_index(const struct fake_gnttab *f, const void *page)
{
	int found = -1;

	for (int i = 0; i < (int)f->nr_pages; i++) {
		if (f->page[i] != page)
			continue;
		if (!f->times_freed[i])
			return i;
		found = i;
	}
	return found;
}

/* Does the peer still map a reference that grants `gfn`? */
static bool gfn_mapped(struct fake_gnttab *f, uint64_t gfn)
{
	unsigned int refs = f->t.nr_frames * GNTTAB_PER_FRAME;

	for (grant_ref_t r = 0; r < refs; r++) {
		grant_entry_v1_t *e = gnttab_table_entry(&f->t, r);

		if ((f->readers[r] || f->writers[r]) && e->frame == gfn)
			return true;
	}
	return false;
}

static void fake_free_page(void *ctx, void *page)
{
	struct fake_gnttab *f = ctx;
	int i = page_index(f, page);

	f->frees++;
	if (i >= 0) {
		if (gfn_mapped(f, (uint64_t)i + 1))
			f->freed_while_mapped++;
		f->times_freed[i]++;
	}
	mm_page_free(page, 0);
}

static const struct gnttab_table_ops fake_ops = {
    .add_frame = fake_add_frame,
    .free_page = fake_free_page,
};

struct fake_gnttab *fake_gnttab_new(unsigned int max_frames)
{
	memset(&fake, 0, sizeof(fake));
	fake.fail_from = ~0U;
	fake.add_rc = -ENOSPC;
	gnttab_table_init(&fake.t, &fake_ops, &fake, max_frames);
	return &fake;
}

void fake_gnttab_fini(struct fake_gnttab *f)
{
	gnttab_table_fini(&f->t);
	for (unsigned int i = 0; i < f->frames_added; i++)
		mm_page_free(f->frames[i], 0);
	f->frames_added = 0;
}

/* A new slot, or the first one whose page was released. */
static int free_slot(struct fake_gnttab *f)
{
	for (unsigned int i = 0; i < f->nr_pages; i++)
		if (f->times_freed[i])
			return (int)i;
	return f->nr_pages < FAKE_GNTTAB_MAX_PAGES ? (int)f->nr_pages++ : -1;
}

void *fake_gnttab_page(struct fake_gnttab *f, uint64_t *gfn)
{
	int i = free_slot(f);
	void *p;

	if (i < 0)
		return NULL;
	p = mm_page_alloc_zeroed(0);
	if (!p) {
		f->times_freed[i] = 1; /* reusable */
		return NULL;
	}
	f->page[i] = p;
	f->times_freed[i] = 0;
	*gfn = (uint64_t)i + 1;
	return p;
}

unsigned int fake_gnttab_times_freed(const struct fake_gnttab *f,
				     const void *page)
{
	int i = page_index(f, page);

	return i < 0 ? 0 : f->times_freed[i];
}

int fake_gnttab_peer_map(struct fake_gnttab *f, grant_ref_t ref, domid_t domid,
			 bool write)
{
	grant_entry_v1_t *e = gnttab_table_entry(&f->t, ref);
	uint16_t flags;

	if (!e)
		return -EINVAL;
	flags = __atomic_load_n(&e->flags, __ATOMIC_SEQ_CST);
	if ((flags & GTF_type_mask) != GTF_permit_access || e->domid != domid)
		return -EINVAL;
	if (write && (flags & GTF_readonly))
		return -EINVAL;
	/* Xen sets the bits with its own atomic, as in _set_status_v1(). */
	__atomic_or_fetch(&e->flags,
			  write ? GTF_writing | GTF_reading : GTF_reading,
			  __ATOMIC_SEQ_CST);
	if (write)
		f->writers[ref]++;
	else
		f->readers[ref]++;
	return 0;
}

void fake_gnttab_peer_unmap(struct fake_gnttab *f, grant_ref_t ref, bool write)
{
	grant_entry_v1_t *e = gnttab_table_entry(&f->t, ref);
	uint16_t *count = write ? &f->writers[ref] : &f->readers[ref];

	if (!e || !*count)
		return;
	--*count;
	if (write && !f->writers[ref])
		__atomic_and_fetch(&e->flags, (uint16_t)~GTF_writing,
				   __ATOMIC_SEQ_CST);
	if (!f->readers[ref] && !f->writers[ref])
		__atomic_and_fetch(&e->flags, (uint16_t)~GTF_reading,
				   __ATOMIC_SEQ_CST);
}

static struct mm_stats mm_before;

struct fake_gnttab *fake_gnttab_setup(unsigned int max_frames)
{
	mm_get_stats(&mm_before);
	return fake_gnttab_new(max_frames);
}

void fake_gnttab_teardown(struct fake_gnttab *f)
{
	struct mm_stats st;

	KT_EXPECT_EQ(f->t.st.refs_granted, 0);
	KT_EXPECT_EQ(f->t.st.quarantined_refs, 0);
	KT_EXPECT_EQ(f->t.st.quarantined_pages, 0);
	KT_EXPECT_EQ(f->freed_while_mapped, 0);
	fake_gnttab_fini(f);
	mm_get_stats(&st);
	KT_EXPECT_EQ(st.free_pages, mm_before.free_pages);
	KT_EXPECT_EQ(st.bad_frees, mm_before.bad_frees);
}
