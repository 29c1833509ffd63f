/*
 * Suite `gnttab_status` (host): every GNTST_* value has its own errno and
 * a name; anything else, however odd, is -EPROTO with a name.
 */
#include "kernel/ktest.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "lib/errno.h"
#include "lib/string.h"

KTEST(gnttab_status, distinct_errnos)
{
	for (int16_t a = GNTST_no_space; a <= GNTST_okay; a++) {
		int ea = gnttab_status_errno(a);

		KT_EXPECT(a == GNTST_okay ? ea == 0 : ea < 0);
		KT_EXPECT_NE(ea, -EPROTO);
		for (int16_t b = GNTST_no_space; b < a; b++)
			if (gnttab_status_errno(b) == ea)
				ktest_fail_at(__FILE__, __LINE__,
					      "statuses %d and %d share %d", a,
					      b, ea);
	}
	KT_EXPECT_EQ(gnttab_status_errno(GNTST_no_space), -ENOSPC);
	KT_EXPECT_EQ(gnttab_status_errno(GNTST_bad_gntref), -ENOENT);
	KT_EXPECT_EQ(gnttab_status_errno(GNTST_eagain), -EAGAIN);
}

KTEST(gnttab_status, names)
{
	KT_EXPECT(!strcmp(gnttab_status_name(GNTST_no_space),
			  "GNTST_no_space (out of space)"));
	for (int16_t s = GNTST_no_space; s <= GNTST_okay; s++) {
		const char *n = gnttab_status_name(s);

		KT_ASSERT(n);
		KT_EXPECT(!strncmp(n, "GNTST_", 6));
		KT_EXPECT_NE(n[6], '?');
	}
}

KTEST(gnttab_status, unknown_is_eproto)
{
	static const int16_t odd[] = {
	    1, 2, 100, GNTST_no_space - 1, -1000, INT16_MIN, INT16_MAX};

	for (unsigned int i = 0; i < ARRAY_SIZE(odd); i++) {
		KT_EXPECT_EQ(gnttab_status_errno(odd[i]), -EPROTO);
		KT_EXPECT(gnttab_status_name(odd[i]) != NULL);
	}
}
