// SPDX-License-Identifier: MIT
/*
 * grant-holder core; see gh.h for the protocol.  Everything a guest wrote
 * is read once into a bounded buffer, validated, then used; every failure
 * becomes "error <reason>" in the guest's state node and one log line.
 */
#include "gh.h"
#include "peer_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <xen/xen.h>

#define GH_DIR_FMT  "/local/domain/%u/data/ktest-gh/%s"
#define GH_PATH_MAX 64

static void gh_path(char *buf, unsigned int domid, const char *leaf)
{
	snprintf(buf, GH_PATH_MAX, GH_DIR_FMT, domid, leaf);
}

enum gh_cmd gh_parse_cmd(const char *s, int len)
{
	/* len, not strlen: "map\0junk" is bad input, not "map". */
	if (len == 3 && !memcmp(s, "map", 3))
		return GH_CMD_MAP;
	if (len == 7 && !memcmp(s, "release", 7))
		return GH_CMD_RELEASE;
	return GH_CMD_BAD;
}

bool gh_check_pattern(const uint8_t *page, size_t *bad)
{
	size_t i;

	for (i = 0; i < GH_PAGE_SIZE; i++) {
		if (page[i] != (uint8_t)((i & 0xff) ^ GH_PATTERN_XOR)) {
			*bad = i;
			return false;
		}
	}
	return true;
}

int gh_parse_domain_path(const char *path, unsigned int *domid,
			 const char **rest)
{
	static const char prefix[] = "/local/domain/";
	const char *p, *end;
	uint32_t v;

	if (strncmp(path, prefix, sizeof(prefix) - 1))
		return -EINVAL;
	p = path + sizeof(prefix) - 1;
	end = strchr(p, '/');
	if (!end)
		end = p + strlen(p);
	if (peer_parse_u32(p, (size_t)(end - p), DOMID_FIRST_RESERVED - 1, &v))
		return -EINVAL;
	*domid = v;
	*rest = end;
	return 0;
}

void gh_init(struct gh *gh, const struct gh_ops *ops, void *ctx,
	     long only_domid)
{
	memset(gh, 0, sizeof(*gh));
	gh->ops = ops;
	gh->ctx = ctx;
	gh->only_domid = only_domid;
}

static struct gh_guest *gh_find(struct gh *gh, unsigned int domid)
{
	unsigned int i;

	for (i = 0; i < GH_MAX_GUESTS; i++)
		if (gh->guests[i].used && gh->guests[i].domid == domid)
			return &gh->guests[i];
	return NULL;
}

static struct gh_guest *gh_alloc(struct gh *gh, unsigned int domid)
{
	unsigned int i;

	for (i = 0; i < GH_MAX_GUESTS; i++) {
		if (!gh->guests[i].used) {
			memset(&gh->guests[i], 0, sizeof(gh->guests[i]));
			gh->guests[i].used = true;
			gh->guests[i].domid = domid;
			return &gh->guests[i];
		}
	}
	if (!gh->table_full_logged)
		peer_log("d%u ignored: already tracking %d guests", domid,
			 GH_MAX_GUESTS);
	gh->table_full_logged = true;
	return NULL;
}

/* Answer the guest; a vanished guest is logged, never re-created. */
static void gh_set_state(struct gh *gh, struct gh_guest *g, const char *state)
{
	char guard[GH_PATH_MAX], path[GH_PATH_MAX];
	int rc;

	gh_path(guard, g->domid, "cmd");
	gh_path(path, g->domid, "state");
	rc = gh->ops->write_if(gh->ctx, guard, path, state);
	if (rc)
		peer_log("d%u state \"%s\" not written: %s", g->domid, state,
			 strerror(-rc));
}

static void gh_error(struct gh *gh, struct gh_guest *g, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void gh_error(struct gh *gh, struct gh_guest *g, const char *fmt, ...)
{
	char state[128];
	va_list ap;
	int n;

	n = snprintf(state, sizeof(state), "error ");
	va_start(ap, fmt);
	vsnprintf(state + n, sizeof(state) - (size_t)n, fmt, ap);
	va_end(ap);
	gh->errors++;
	peer_log("d%u %s", g->domid, state);
	gh_set_state(gh, g, state);
}

/* Read and validate the guest's ref node: copy once, then parse the copy. */
static int gh_read_ref(struct gh *gh, struct gh_guest *g, uint32_t *ref)
{
	char path[GH_PATH_MAX], buf[GH_VALUE_MAX];
	int len;

	gh_path(path, g->domid, "ref");
	len = gh->ops->read(gh->ctx, path, buf, sizeof(buf));
	if (len == -ENOENT) {
		gh_error(gh, g, "no ref");
		return len;
	}
	if (len == -E2BIG) {
		gh_error(gh, g, "ref too long");
		return len;
	}
	if (len < 0) {
		gh_error(gh, g, "ref unreadable: %s", strerror(-len));
		return len;
	}
	/* Grant refs are 32 bits; Xen itself judges whether it is in use. */
	if (peer_parse_u32(buf, (size_t)len, UINT32_MAX, ref)) {
		gh_error(gh, g, "bad ref");
		return -EINVAL;
	}
	return 0;
}

static void gh_do_map(struct gh *gh, struct gh_guest *g)
{
	uint32_t ref;
	size_t bad;
	void *addr;
	int err = 0;

	if (g->mapped) {
		/* Protocol: release first.  Keep holding what we hold. */
		gh_error(gh, g, "already mapped ref %u", g->ref);
		return;
	}
	if (gh_read_ref(gh, g, &ref))
		return;
	addr = gh->ops->map(gh->ctx, g->domid, ref, &err);
	if (!addr) {
		gh_error(gh, g, "map ref %u: %s", ref, strerror(-err));
		return;
	}
	if (!gh_check_pattern(addr, &bad)) {
		uint8_t got = ((const uint8_t *)addr)[bad];

		gh->ops->unmap(gh->ctx, addr);
		gh_error(
		    gh, g,
		    "pattern mismatch ref %u offset %zu: 0x%02x not 0x%02x",
		    ref, bad, got,
		    (unsigned int)((bad & 0xff) ^ GH_PATTERN_XOR));
		return;
	}
	g->mapped = true;
	g->ref = ref;
	g->addr = addr;
	peer_log("d%u mapped ref %u, holding it", g->domid, ref);
	gh_set_state(gh, g, "mapped");
}

static int gh_unmap(struct gh *gh, struct gh_guest *g)
{
	int rc = gh->ops->unmap(gh->ctx, g->addr);

	if (rc)
		return rc;
	g->mapped = false;
	g->addr = NULL;
	return 0;
}

static void gh_do_release(struct gh *gh, struct gh_guest *g)
{
	int rc;

	if (!g->mapped) {
		/* Nothing held: releasing is trivially done. */
		peer_log("d%u release with nothing mapped", g->domid);
		gh_set_state(gh, g, "released");
		return;
	}
	rc = gh_unmap(gh, g);
	if (rc) {
		/* Still mapped: gh_shutdown() or the guest's death retries. */
		gh_error(gh, g, "unmap ref %u: %s", g->ref, strerror(-rc));
		return;
	}
	gh->cycles++;
	peer_log("d%u released ref %u", g->domid, g->ref);
	gh_set_state(gh, g, "released");
}

static enum gh_cmd gh_read_cmd(struct gh *gh, unsigned int domid)
{
	char path[GH_PATH_MAX], buf[GH_VALUE_MAX];
	int len;

	gh_path(path, domid, "cmd");
	len = gh->ops->read(gh->ctx, path, buf, sizeof(buf));
	if (len == -E2BIG)
		return GH_CMD_BAD;
	if (len < 0)
		return GH_CMD_NONE;
	return gh_parse_cmd(buf, len);
}

void gh_poll_domain(struct gh *gh, unsigned int domid)
{
	struct gh_guest *g;
	enum gh_cmd cmd;

	if (gh->only_domid >= 0 && domid != (unsigned long)gh->only_domid)
		return;
	cmd = gh_read_cmd(gh, domid);
	g = gh_find(gh, domid);
	if (!g) {
		/* Track only guests that speak the protocol. */
		if (cmd == GH_CMD_NONE)
			return;
		g = gh_alloc(gh, domid);
		if (!g)
			return;
		peer_log("d%u found", domid);
	}
	/* Edge-triggered: our own state writes fire watches too. */
	if (cmd == g->last_cmd)
		return;
	g->last_cmd = cmd;
	switch (cmd) {
	case GH_CMD_MAP:
		gh_do_map(gh, g);
		break;
	case GH_CMD_RELEASE:
		gh_do_release(gh, g);
		break;
	case GH_CMD_BAD:
		gh_error(gh, g, "bad cmd");
		break;
	case GH_CMD_NONE:
		peer_log("d%u cmd removed%s", g->domid,
			 g->mapped ? ", still holding the mapping" : "");
		break;
	}
}

/* The guest is gone: drop what we hold so Xen can free the domain. */
static void gh_forget(struct gh *gh, struct gh_guest *g)
{
	int rc;

	if (g->mapped) {
		rc = gh_unmap(gh, g);
		if (rc)
			peer_log("d%u gone; unmap ref %u failed: %s", g->domid,
				 g->ref, strerror(-rc));
		else
			peer_log("d%u gone; unmapped ref %u", g->domid, g->ref);
	} else {
		peer_log("d%u gone", g->domid);
	}
	g->used = false;
}

void gh_scan(struct gh *gh)
{
	unsigned int ids[GH_MAX_DOMAINS];
	unsigned int i, j;
	int n;

	n = gh->ops->list_domains(gh->ctx, ids, GH_MAX_DOMAINS);
	if (n < 0) {
		peer_log("listing /local/domain failed: %s", strerror(-n));
		return;
	}
	/* A full list may be truncated: then nobody is declared dead. */
	for (i = 0; n < GH_MAX_DOMAINS && i < GH_MAX_GUESTS; i++) {
		struct gh_guest *g = &gh->guests[i];

		if (!g->used)
			continue;
		for (j = 0; j < (unsigned int)n; j++)
			if (ids[j] == g->domid)
				break;
		if (j == (unsigned int)n)
			gh_forget(gh, g);
	}
	for (j = 0; j < (unsigned int)n; j++)
		gh_poll_domain(gh, ids[j]);
}

void gh_watch_event(struct gh *gh, const char *path)
{
	static const char dir[] = "/data/ktest-gh";
	unsigned int domid;
	const char *rest;

	if (!strcmp(path, "@releaseDomain") || !strcmp(path, "/local/domain")) {
		gh_scan(gh);
		return;
	}
	if (gh_parse_domain_path(path, &domid, &rest))
		return;
	if (!*rest) {
		/* A domain's home came or went. */
		gh_scan(gh);
		return;
	}
	if (!strncmp(rest, dir, sizeof(dir) - 1) &&
	    (rest[sizeof(dir) - 1] == '\0' || rest[sizeof(dir) - 1] == '/'))
		gh_poll_domain(gh, domid);
}

unsigned int gh_shutdown(struct gh *gh)
{
	unsigned int i, n = 0;

	for (i = 0; i < GH_MAX_GUESTS; i++) {
		struct gh_guest *g = &gh->guests[i];

		if (!g->used || !g->mapped)
			continue;
		n++;
		if (gh_unmap(gh, g))
			peer_log("d%u exit: unmap ref %u failed", g->domid,
				 g->ref);
		else
			peer_log("d%u exit: unmapped ref %u", g->domid, g->ref);
	}
	return n;
}

unsigned int gh_mapped_count(const struct gh *gh)
{
	unsigned int i, n = 0;

	for (i = 0; i < GH_MAX_GUESTS; i++)
		if (gh->guests[i].used && gh->guests[i].mapped)
			n++;
	return n;
}
