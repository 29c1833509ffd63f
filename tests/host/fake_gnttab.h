/*
 * A grant table for the host tests of
 * kernel/xen/gnttab/gnttab_{core,quarantine}.c:
 * frames are plain pages, add_frame() can be told to fail (window full),
 * and the test plays Xen on behalf of a peer, setting and clearing
 * GTF_reading / GTF_writing the way Xen does when the peer maps and unmaps.
 * Released pages are recorded, so a double free or a free of a page the
 * peer still maps shows up.
 */
#ifndef TESTS_HOST_FAKE_GNTTAB_H
#define TESTS_HOST_FAKE_GNTTAB_H

#include "kernel/xen/gnttab/gnttab_priv.h"

#define FAKE_GNTTAB_MAX_PAGES 256
#define FAKE_GNTTAB_REFS      (GNTTAB_MAX_FRAMES * GNTTAB_PER_FRAME)

struct fake_gnttab {
	struct gnttab_table t;
	grant_entry_v1_t *frames[GNTTAB_MAX_FRAMES];
	unsigned int frames_added;
	/* add_frame(idx) fails with add_rc for idx >= fail_from */
	unsigned int fail_from;
	int add_rc;
	/* pages known to the fake: gfn = index + 1 */
	void *page[FAKE_GNTTAB_MAX_PAGES];
	unsigned int times_freed[FAKE_GNTTAB_MAX_PAGES];
	unsigned int nr_pages;
	unsigned int frees;		 /* free_page() calls */
	unsigned int freed_while_mapped; /* the MSA02 bug, seen */
	uint16_t readers[FAKE_GNTTAB_REFS], writers[FAKE_GNTTAB_REFS];
};

/*
 * The one fake table, reset to at most `max_frames` frames.  Its
 * free_page() records the page and gives it back to mm.
 */
struct fake_gnttab *fake_gnttab_new(unsigned int max_frames);
/* Release the frames and the table's metadata; all refs must be free. */
void fake_gnttab_fini(struct fake_gnttab *f);

/*
 * A test's start and end: fake_gnttab_setup() notes the allocator's
 * counts; fake_gnttab_teardown() checks the table is empty, nothing is
 * quarantined or was freed while mapped, and every page came back.
 */
struct fake_gnttab *fake_gnttab_setup(unsigned int max_frames);
void fake_gnttab_teardown(struct fake_gnttab *f);

/* A fresh page and the gfn that names it in grant entries; NULL if none. */
void *fake_gnttab_page(struct fake_gnttab *f, uint64_t *gfn);
/* How many times free_page() released `page`. */
unsigned int fake_gnttab_times_freed(const struct fake_gnttab *f,
				     const void *page);

/*
 * The peer maps `ref`, and Xen marks the entry as it would: the entry must
 * permit access to `domid`, and a read-only one may only be read.
 * 0 or -EINVAL (Xen's refusal).
 */
int fake_gnttab_peer_map(struct fake_gnttab *f, grant_ref_t ref, domid_t domid,
			 bool write);
/* The peer drops one mapping; Xen clears a flag when its count hits 0. */
void fake_gnttab_peer_unmap(struct fake_gnttab *f, grant_ref_t ref, bool write);

#endif
