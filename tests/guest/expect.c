/*
 * The test-only command-line keys of tests/guest/expect.h.  Only
 * netfront.expect reaches a driver, and only as "the backend is a dom0
 * program started with us": netfront_backend_late() makes netfront's boot
 * connect wait for its nodes.
 */
#include "drivers/netfront/netfront.h"
#include "kernel/cmdline.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/guest/expect.h"

/* ---- netfront.expect=<mode> ---- */

static const char *expect;

/* hostile-netback's modes (tests/peer/nb_scenario.c), and "reattach". */
static const char *const modes[] = {
    "good",	   "dup-id",	    "stale-id",	       "bad-id",
    "rx-overflow", "bad-status",    "prod-jump",       "prod-rewind",
    "storm",	   "hold-tx-grant", "close-mid",       "reattach",
    "rx-dup-id",   "rx-stale-id",   "rx-bad-id",       "hold-rx-all",
    "hold-tx-all", "hold-cycle",    "rx-rewrite",      "tx-scan",
    "mixed-storm", "vanish",	    "rx-error-repeat", "rx-reorder",
};

static int set_expect(const char *value)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(modes); i++) {
		if (!strcmp(value, modes[i])) {
			expect = modes[i];
			netfront_backend_late();
			return 0;
		}
	}
	return -EINVAL;
}
KPARAM("netfront.expect", set_expect);

const char *expect_netfront(void)
{
	return expect;
}

bool expect_netfront_mode(const char *mode)
{
	return expect && !strcmp(expect, mode);
}

/* ---- gnttab.expect_maptrack_full=0|1 ---- */

static bool maptrack_full;
KPARAM_BOOL("gnttab.expect_maptrack_full", maptrack_full);

bool expect_maptrack_full(void)
{
	return maptrack_full;
}

/* ---- gnttab.expect_holder=0|1 ---- */

static bool holder;
KPARAM_BOOL("gnttab.expect_holder", holder);

bool expect_grant_holder(void)
{
	return holder;
}

/* ---- netback.hostile_modes=M0,M1,... ---- */

static char hostile_modes[128];

static int set_modes(const char *v)
{
	if (strlen(v) >= sizeof(hostile_modes))
		return -EINVAL;
	strlcpy(hostile_modes, v, sizeof(hostile_modes));
	return 0;
}
KPARAM("netback.hostile_modes", set_modes);

int expect_hostile_fe_mode(uint32_t devid, char *buf, size_t len)
{
	const char *p = hostile_modes, *e;
	size_t n;

	for (uint32_t i = 0; *p && i < devid; i++) {
		p = strchr(p, ',');
		if (!p)
			return -ENOENT;
		p++;
	}
	if (!*p)
		return -ENOENT;
	e = strchr(p, ',');
	n = e ? (size_t)(e - p) : strlen(p);
	if (n >= len)
		return -ERANGE;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}
