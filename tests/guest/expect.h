/*
 * What this boot is set up to meet, as the scenario tables say on the
 * command line: keys only the tests read, kept out of the drivers
 * (tests/guest/expect.c; KPARAM works from any linked file).
 *
 *   netfront.expect=M1,M2,...     the backend is hostile-netback in dom0,
 *                                 and each test of one of these modes asks
 *                                 it for its mode (tests/guest/
 *                                 netfront_mode.c; "good" for its correct
 *                                 one); or "reattach" alone: the real
 *                                 netback, with dom0 detaching and
 *                                 attaching the vif
 *   gnttab.expect_maptrack_full=1 Xen's maptrack is tiny
 *                                 (max_maptrack_frames=1)
 *   gnttab.expect_holder=1        dom0's grant-holder runs beside us
 *   netback.hostile_modes=M0,M1   the mode each hostile frontend's vif
 *                                 (devid 0, 1, ...) runs, for netback's
 *                                 suite
 */
#ifndef TESTS_GUEST_EXPECT_H
#define TESTS_GUEST_EXPECT_H

#include "lib/compiler.h"

/* The netfront.expect= list, or NULL for the real netback left alone. */
const char *expect_netfront(void);
/* Does the netfront.expect list name `mode`? */
bool expect_netfront_mode(const char *mode);
/* Is the backend hostile-netback (a netfront.expect list, not reattach)? */
bool expect_netfront_peer(void);
/* Is `w` (length n) one of the `sep`-separated words of `list`? */
bool expect_word_in(const char *list, char sep, const char *w, size_t n);
/* Did the command line say Xen's maptrack is small? */
bool expect_maptrack_full(void);
/* Did the command line say dom0's grant-holder runs beside us? */
bool expect_grant_holder(void);
/*
 * The mode netback.hostile_modes= names for a hostile frontend's vif
 * `devid`, into buf: 0, -ENOENT, -ERANGE.
 */
int expect_hostile_fe_mode(uint32_t devid, char *buf, size_t len);

#endif
