// SPDX-License-Identifier: MIT
/*
 * Host unit test of the grant-holder core (gh.c) and the shared parsing
 * (peer_util.c): a fake xenstore and a fake grant mapper stand in for
 * Xen, and the tests play a guest that follows, breaks or abandons the
 * protocol.  Built with ASan/UBSan; the leak checker catches a mapping
 * the core forgets to drop.
 */
#include "gh.h"
#include "peer_util.h"
#include "kernel/ktest.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NODES 256
#define MAX_DOMS  8
#define MAX_MAPS  8

struct node {
	bool used;
	char path[80];
	char value[64];
	unsigned int len;
};

static struct fake {
	struct node nodes[MAX_NODES];
	unsigned int doms[MAX_DOMS];
	unsigned int ndoms;
	void *maps[MAX_MAPS];
	unsigned int nmaps; /* currently mapped */
	unsigned int map_calls, writes;
	uint32_t fail_ref, corrupt_ref;
	int unmap_err;
} fk;

static struct gh gh;

static struct node *node_find(const char *path)
{
	unsigned int i;

	for (i = 0; i < MAX_NODES; i++)
		if (fk.nodes[i].used && !strcmp(fk.nodes[i].path, path))
			return &fk.nodes[i];
	return NULL;
}

/* Set a node; @len counts bytes so a test can embed NULs. */
static void node_setn(const char *path, const char *value, unsigned int len)
{
	struct node *n = node_find(path);
	unsigned int i;

	for (i = 0; !n && i < MAX_NODES; i++)
		if (!fk.nodes[i].used)
			n = &fk.nodes[i];
	if (!n)
		abort();
	n->used = true;
	snprintf(n->path, sizeof(n->path), "%s", path);
	memcpy(n->value, value, len);
	n->len = len;
}

static void gset(unsigned int domid, const char *leaf, const char *value)
{
	char path[80];

	snprintf(path, sizeof(path), "/local/domain/%u/data/ktest-gh/%s", domid,
		 leaf);
	node_setn(path, value, (unsigned int)strlen(value));
}

static const char *gget(unsigned int domid, const char *leaf)
{
	static char value[64];
	char path[80];
	struct node *n;

	snprintf(path, sizeof(path), "/local/domain/%u/data/ktest-gh/%s", domid,
		 leaf);
	n = node_find(path);
	if (!n)
		return NULL;
	memcpy(value, n->value, n->len);
	value[n->len] = '\0';
	return value;
}

static void dom_add(unsigned int domid)
{
	fk.doms[fk.ndoms++] = domid;
}

/* The toolstack removes a dead guest's whole home. */
static void dom_destroy(unsigned int domid)
{
	char prefix[40];
	unsigned int i;

	snprintf(prefix, sizeof(prefix), "/local/domain/%u/", domid);
	for (i = 0; i < MAX_NODES; i++)
		if (!strncmp(fk.nodes[i].path, prefix, strlen(prefix)))
			fk.nodes[i].used = false;
	for (i = 0; i < fk.ndoms; i++)
		if (fk.doms[i] == domid)
			fk.doms[i] = fk.doms[--fk.ndoms];
}

static int f_read(void *ctx, const char *path, char *buf, size_t size)
{
	struct node *n = node_find(path);

	(void)ctx;
	if (!n)
		return -ENOENT;
	if (n->len >= size)
		return -E2BIG;
	memcpy(buf, n->value, n->len);
	buf[n->len] = '\0';
	return (int)n->len;
}

static int f_list(void *ctx, unsigned int *ids, unsigned int max)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < fk.ndoms && i < max; i++)
		ids[i] = fk.doms[i];
	return (int)i;
}

static int f_write_if(void *ctx, const char *guard, const char *path,
		      const char *value)
{
	(void)ctx;
	if (!node_find(guard))
		return -ENOENT;
	fk.writes++;
	node_setn(path, value, (unsigned int)strlen(value));
	return 0;
}

static void *f_map(void *ctx, unsigned int domid, uint32_t ref, int *err)
{
	uint8_t *page;
	unsigned int i;

	(void)ctx;
	(void)domid;
	fk.map_calls++;
	if (ref == fk.fail_ref || fk.nmaps == MAX_MAPS) {
		*err = -EINVAL;
		return NULL;
	}
	page = malloc(GH_PAGE_SIZE);
	for (i = 0; i < GH_PAGE_SIZE; i++)
		page[i] = (uint8_t)((i & 0xff) ^ GH_PATTERN_XOR);
	if (ref == fk.corrupt_ref)
		page[4095] ^= 1;
	for (i = 0; i < MAX_MAPS; i++) {
		if (!fk.maps[i]) {
			fk.maps[i] = page;
			break;
		}
	}
	fk.nmaps++;
	return page;
}

static int f_unmap(void *ctx, void *addr)
{
	unsigned int i;

	(void)ctx;
	if (fk.unmap_err)
		return fk.unmap_err;
	for (i = 0; i < MAX_MAPS; i++) {
		if (fk.maps[i] == addr) {
			fk.maps[i] = NULL;
			fk.nmaps--;
			free(addr);
			return 0;
		}
	}
	/* Unmapping what was never mapped is a core bug. */
	abort();
}

static const struct gh_ops fake_ops = {
    .read = f_read,
    .list_domains = f_list,
    .write_if = f_write_if,
    .map = f_map,
    .unmap = f_unmap,
};

static void setup(long only)
{
	memset(&fk, 0, sizeof(fk));
	fk.fail_ref = fk.corrupt_ref = UINT32_MAX;
	gh_init(&gh, &fake_ops, NULL, only);
}

/* Every test ends here: nothing may stay mapped or leak. */
static void teardown(void)
{
	gh_shutdown(&gh);
	KT_EXPECT(fk.nmaps == 0);
}

KTEST(peer_gh, parse_u32)
{
	uint32_t v = 7;

	KT_EXPECT(peer_parse_u32("0", 1, 10, &v) == 0 && v == 0);
	KT_EXPECT(peer_parse_u32("4294967295", 10, UINT32_MAX, &v) == 0 &&
		  v == UINT32_MAX);
	KT_EXPECT(peer_parse_u32("4294967296", 10, UINT32_MAX, &v) == -ERANGE);
	KT_EXPECT(peer_parse_u32("9999999999", 10, UINT32_MAX, &v) == -ERANGE);
	KT_EXPECT(peer_parse_u32("00000000001", 11, UINT32_MAX, &v) == -EINVAL);
	KT_EXPECT(peer_parse_u32("", 0, UINT32_MAX, &v) == -EINVAL);
	KT_EXPECT(peer_parse_u32("-1", 2, UINT32_MAX, &v) == -EINVAL);
	KT_EXPECT(peer_parse_u32("+1", 2, UINT32_MAX, &v) == -EINVAL);
	KT_EXPECT(peer_parse_u32(" 1", 2, UINT32_MAX, &v) == -EINVAL);
	KT_EXPECT(peer_parse_u32("1\n", 2, UINT32_MAX, &v) == -EINVAL);
	KT_EXPECT(peer_parse_u32("12\0"
				 "3",
				 4, UINT32_MAX, &v) == -EINVAL);
	KT_EXPECT(peer_parse_u32("0x10", 4, UINT32_MAX, &v) == -EINVAL);
	KT_EXPECT(peer_parse_u32("32752", 5, 32751, &v) == -ERANGE);
}

/* The [--domid N] [--timeout SECS] MODE line of the ring peers. */
KTEST(peer_gh, parse_target)
{
	static const char *const modes[] = {"leap", "creep", NULL};
	char *ok[] = {"p", "--domid", "5", "--timeout", "35", "creep"};
	char *env_only[] = {"p", "leap"};
	char *bad_mode[] = {"p", "--domid", "5", "hop"};
	char *two_modes[] = {"p", "--domid", "5", "leap", "creep"};
	char *bad_timeout[] = {"p", "--domid", "5", "--timeout", "35s", "leap"};
	char *zero_timeout[] = {"p", "--domid", "5", "--timeout", "0", "leap"};
	char *big_domid[] = {"p", "--domid", "32752", "leap"};
	struct peer_target t;

	unsetenv("KTEST_DOMID");
	KT_EXPECT_EQ(peer_parse_target(6, ok, modes, &t), 0);
	KT_EXPECT(t.domid == 5 && t.timeout_s == 35);
	KT_EXPECT_STREQ(t.mode, "creep");
	KT_EXPECT_EQ(peer_parse_target(2, env_only, modes, &t), -EINVAL);
	setenv("KTEST_DOMID", "7", 1);
	KT_EXPECT_EQ(peer_parse_target(2, env_only, modes, &t), 0);
	KT_EXPECT(t.domid == 7 && t.timeout_s == 120);
	unsetenv("KTEST_DOMID");
	KT_EXPECT_EQ(peer_parse_target(4, bad_mode, modes, &t), -EINVAL);
	KT_EXPECT_EQ(peer_parse_target(5, two_modes, modes, &t), -EINVAL);
	KT_EXPECT_EQ(peer_parse_target(6, bad_timeout, modes, &t), -EINVAL);
	KT_EXPECT_EQ(peer_parse_target(6, zero_timeout, modes, &t), -EINVAL);
	KT_EXPECT_EQ(peer_parse_target(4, big_domid, modes, &t), -EINVAL);
}

KTEST(peer_gh, parse_cmd_and_path)
{
	unsigned int d = 0;
	const char *rest = NULL;

	KT_EXPECT(gh_parse_cmd("map", 3) == GH_CMD_MAP);
	KT_EXPECT(gh_parse_cmd("release", 7) == GH_CMD_RELEASE);
	KT_EXPECT(gh_parse_cmd("map\0x", 5) == GH_CMD_BAD);
	KT_EXPECT(gh_parse_cmd("MAP", 3) == GH_CMD_BAD);
	KT_EXPECT(gh_parse_cmd("", 0) == GH_CMD_BAD);
	KT_EXPECT(gh_parse_domain_path("/local/domain/12/data", &d, &rest) ==
		      0 &&
		  d == 12 && !strcmp(rest, "/data"));
	KT_EXPECT(gh_parse_domain_path("/local/domain/3", &d, &rest) == 0 &&
		  d == 3 && !*rest);
	KT_EXPECT(gh_parse_domain_path("/local/domain/", &d, &rest) < 0);
	KT_EXPECT(gh_parse_domain_path("/local/domain/x1/data", &d, &rest) < 0);
	KT_EXPECT(gh_parse_domain_path("/local/domain/32752", &d, &rest) < 0);
	KT_EXPECT(
	    gh_parse_domain_path("/local/domain/99999999999/a", &d, &rest) < 0);
	KT_EXPECT(gh_parse_domain_path("/vm/3", &d, &rest) < 0);
}

KTEST(peer_gh, pattern)
{
	static uint8_t page[GH_PAGE_SIZE];
	size_t bad = 0, i;

	for (i = 0; i < GH_PAGE_SIZE; i++)
		page[i] = (uint8_t)((i & 0xff) ^ 0x5a);
	KT_EXPECT(gh_check_pattern(page, &bad));
	page[0] = 0;
	KT_EXPECT(!gh_check_pattern(page, &bad) && bad == 0);
	page[0] = 0x5a;
	page[300] ^= 0x80;
	KT_EXPECT(!gh_check_pattern(page, &bad) && bad == 300);
}

/* Guest @domid asks (through its xenstore home) for its grant @ref. */
static void ask_map(unsigned int domid, const char *ref)
{
	gset(domid, "ref", ref);
	gset(domid, "cmd", "map");
}

KTEST(peer_gh, cycle)
{
	setup(-1);
	dom_add(0);
	dom_add(5);
	gh_scan(&gh);
	KT_EXPECT(gget(5, "state") == NULL && fk.map_calls == 0);

	ask_map(5, "42");
	gh_watch_event(&gh, "/local/domain/5/data/ktest-gh/cmd");
	KT_EXPECT_STREQ(gget(5, "state"), "mapped");
	KT_EXPECT(fk.nmaps == 1 && gh_mapped_count(&gh) == 1);

	/* Our own write and unrelated changes fire watches: no re-map. */
	gh_watch_event(&gh, "/local/domain/5/data/ktest-gh/state");
	gh_watch_event(&gh, "/local/domain/5/data/ktest-gh");
	gh_scan(&gh);
	gh_scan(&gh);
	KT_EXPECT(fk.map_calls == 1 && fk.nmaps == 1);

	gset(5, "cmd", "release");
	gh_watch_event(&gh, "/local/domain/5/data/ktest-gh/cmd");
	KT_EXPECT_STREQ(gget(5, "state"), "released");
	KT_EXPECT(fk.nmaps == 0 && gh.cycles == 1 && gh.errors == 0);

	/* A second cycle with a new ref, found by the periodic scan. */
	ask_map(5, "43");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(5, "state"), "mapped");
	KT_EXPECT(gh.guests[0].ref == 43 || gh.guests[1].ref == 43);
	gset(5, "cmd", "release");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(5, "state"), "released");
	KT_EXPECT(gh.cycles == 2 && fk.nmaps == 0);
	teardown();
}

static void expect_bad_ref(const char *ref, unsigned int len, const char *want)
{
	setup(-1);
	dom_add(9);
	node_setn("/local/domain/9/data/ktest-gh/ref", ref, len);
	gset(9, "cmd", "map");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(9, "state"), want);
	KT_EXPECT(fk.map_calls == 0 && gh.errors == 1);
	/* The error is reported once, not on every scan. */
	gh_scan(&gh);
	KT_EXPECT(gh.errors == 1);
	teardown();
}

KTEST(peer_gh, bad_refs)
{
	expect_bad_ref("", 0, "error bad ref");
	expect_bad_ref("abc", 3, "error bad ref");
	expect_bad_ref("-1", 2, "error bad ref");
	expect_bad_ref("4294967296", 10, "error bad ref");
	expect_bad_ref("12345678901", 11, "error bad ref");
	expect_bad_ref("1 ", 2, "error bad ref");
	expect_bad_ref("1\0"
		       "2",
		       3, "error bad ref");
	expect_bad_ref("123456789012345678901234567890", 30,
		       "error ref too long");

	setup(-1);
	dom_add(9);
	gset(9, "cmd", "map");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(9, "state"), "error no ref");
	teardown();
}

KTEST(peer_gh, map_failures)
{
	setup(-1);
	dom_add(4);
	fk.fail_ref = 7;
	ask_map(4, "7");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(4, "state"), "error map ref 7: Invalid argument");
	KT_EXPECT(fk.nmaps == 0);

	/* Pattern mismatch: reported with the offset, mapping dropped. */
	fk.corrupt_ref = 8;
	gset(4, "cmd", "release");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(4, "state"), "released");
	ask_map(4, "8");
	gh_scan(&gh);
	KT_EXPECT_STREQ(
	    gget(4, "state"),
	    "error pattern mismatch ref 8 offset 4095: 0xa4 not 0xa5");
	KT_EXPECT(fk.nmaps == 0 && gh.errors == 2 && gh.cycles == 0);
	teardown();
}

KTEST(peer_gh, bad_cmd_and_double_map)
{
	setup(-1);
	dom_add(3);
	gset(3, "cmd", "map\n");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(3, "state"), "error bad cmd");
	node_setn("/local/domain/3/data/ktest-gh/cmd",
		  "a very long command that does not fit", 37);
	gh_scan(&gh);
	/* Still bad, no new edge: one report only. */
	KT_EXPECT(gh.errors == 1);

	ask_map(3, "11");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(3, "state"), "mapped");
	/* map -> bad -> map without release: keep the first mapping. */
	gset(3, "cmd", "junk");
	gh_scan(&gh);
	ask_map(3, "12");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(3, "state"), "error already mapped ref 11");
	KT_EXPECT(fk.nmaps == 1 && fk.map_calls == 1);
	gset(3, "cmd", "release");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(3, "state"), "released");
	KT_EXPECT(fk.nmaps == 0);

	/* Release with nothing held is answered, not an error. */
	gset(3, "cmd", "map");
	gset(3, "ref", "x");
	gh_scan(&gh);
	gset(3, "cmd", "release");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(3, "state"), "released");
	teardown();
}

KTEST(peer_gh, guest_dies_while_mapped)
{
	unsigned int writes;

	setup(-1);
	dom_add(6);
	ask_map(6, "100");
	gh_scan(&gh);
	KT_EXPECT(fk.nmaps == 1);
	dom_destroy(6);
	writes = fk.writes;
	gh_watch_event(&gh, "@releaseDomain");
	/* Unmapped so Xen can free the domain; nothing re-created. */
	KT_EXPECT(fk.nmaps == 0 && gh_mapped_count(&gh) == 0);
	KT_EXPECT(fk.writes == writes && gget(6, "state") == NULL);

	/* A later guest (new domid) is served from a clean slate. */
	dom_add(7);
	ask_map(7, "100");
	gh_watch_event(&gh, "/local/domain/7");
	KT_EXPECT_STREQ(gget(7, "state"), "mapped");
	teardown();
}

KTEST(peer_gh, guest_gone_before_answer)
{
	setup(-1);
	dom_add(8);
	ask_map(8, "1");
	gh_scan(&gh);
	/* The home vanishes but the domain is still listed: no write. */
	dom_destroy(8);
	dom_add(8);
	gh_poll_domain(&gh, 8);
	KT_EXPECT(gget(8, "state") == NULL);
	KT_EXPECT(fk.nmaps == 1);
	dom_destroy(8);
	gh_scan(&gh);
	KT_EXPECT(fk.nmaps == 0);
	teardown();
}

/* Guests 1 and 2 each ask for a map (refs 10, 20), found by a scan. */
static void two_guests_map(void)
{
	dom_add(1);
	dom_add(2);
	ask_map(1, "10");
	ask_map(2, "20");
	gh_scan(&gh);
}

KTEST(peer_gh, several_guests)
{
	setup(-1);
	two_guests_map();
	KT_EXPECT_STREQ(gget(1, "state"), "mapped");
	KT_EXPECT_STREQ(gget(2, "state"), "mapped");
	KT_EXPECT(fk.nmaps == 2);
	gset(2, "cmd", "release");
	gh_watch_event(&gh, "/local/domain/2/data/ktest-gh/cmd");
	KT_EXPECT_STREQ(gget(1, "state"), "mapped");
	KT_EXPECT_STREQ(gget(2, "state"), "released");
	KT_EXPECT(fk.nmaps == 1);
	/* Unrelated paths are ignored. */
	gh_watch_event(&gh, "/local/domain/1/console/ring-ref");
	gh_watch_event(&gh, "/vm/abc");
	gh_watch_event(&gh, "/local/domain/1x/data/ktest-gh/cmd");
	KT_EXPECT(fk.map_calls == 2);
	/* Shutdown drops what is still held. */
	KT_EXPECT(gh_shutdown(&gh) == 1);
	KT_EXPECT(fk.nmaps == 0);
	teardown();
}

KTEST(peer_gh, only_domid)
{
	setup(2);
	two_guests_map();
	KT_EXPECT(gget(1, "state") == NULL);
	KT_EXPECT_STREQ(gget(2, "state"), "mapped");
	teardown();
}

KTEST(peer_gh, unmap_failure)
{
	setup(-1);
	dom_add(5);
	ask_map(5, "1");
	gh_scan(&gh);
	fk.unmap_err = -EBUSY;
	gset(5, "cmd", "release");
	gh_scan(&gh);
	KT_EXPECT_STREQ(gget(5, "state"),
			"error unmap ref 1: Device or resource busy");
	KT_EXPECT(gh_mapped_count(&gh) == 1);
	fk.unmap_err = 0;
	teardown();
}

KTEST(peer_gh, table_full)
{
	unsigned int i;
	char path[64];

	setup(-1);
	for (i = 0; i < GH_MAX_GUESTS + 2; i++) {
		snprintf(path, sizeof(path),
			 "/local/domain/%u/data/ktest-gh/cmd", 100 + i);
		/* Just "release": no map, so the fake's limits are not hit. */
		node_setn(path, "release", 7);
		gh_poll_domain(&gh, 100 + i);
	}
	KT_EXPECT(strstr(peer_log_last(), "ignored") != NULL);
	KT_EXPECT(gget(100 + GH_MAX_GUESTS, "state") == NULL);
	KT_EXPECT_STREQ(gget(100, "state"), "released");
	teardown();
}

/* PEER_TEST_VERBOSE=1 shows the core's log lines. */
static int gh_suite_init(void)
{
	peer_log_init("test-gh");
	peer_log_mute(!getenv("PEER_TEST_VERBOSE"));
	return 0;
}

KTEST_SUITE(peer_gh, .suite_init = gh_suite_init);
