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

/* ---- netfront.expect=<mode>[,<mode>...] ---- */

/* The list as given, and each word of it checked against these. */
static char expect[256];

/* hostile-netback's modes (tests/peer/nb_scenario.c), and "reattach". */
static const char *const modes[] = {
    "good",	   "dup-id",	    "stale-id",	       "bad-id",
    "rx-overflow", "bad-status",    "prod-jump",       "prod-rewind",
    "storm",	   "hold-tx-grant", "close-mid",       "reattach",
    "rx-dup-id",   "rx-stale-id",   "rx-bad-id",       "hold-rx-all",
    "hold-tx-all", "hold-cycle",    "rx-rewrite",      "tx-scan",
    "mixed-storm", "vanish",	    "rx-error-repeat", "rx-reorder",
};

static bool known_mode(const char *m, size_t n)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(modes); i++)
		if (strlen(modes[i]) == n && !memcmp(m, modes[i], n))
			return true;
	return false;
}

bool expect_word_in(const char *list, char sep, const char *w, size_t n)
{
	for (const char *p = list; *p;) {
		const char *e = strchr(p, sep);
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == n && !memcmp(p, w, n))
			return true;
		p += l + (e != NULL);
	}
	return false;
}

static int set_expect(const char *value)
{
	size_t len = strlen(value);

	if (!len || len >= sizeof(expect) || value[len - 1] == ',')
		return -EINVAL;
	for (const char *p = value; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		/* reattach is Linux netback, not a mode to switch to. */
		if (!known_mode(p, l) ||
		    (l == 8 && !memcmp(p, "reattach", 8) && len != 8))
			return -EINVAL;
		p += l + (e != NULL);
	}
	strlcpy(expect, value, sizeof(expect));
	netfront_backend_late();
	return 0;
}
KPARAM("netfront.expect", set_expect);

const char *expect_netfront(void)
{
	return expect[0] ? expect : NULL;
}

bool expect_netfront_mode(const char *mode)
{
	return expect_word_in(expect, ',', mode, strlen(mode));
}

bool expect_netfront_peer(void)
{
	return expect[0] && strcmp(expect, "reattach");
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
