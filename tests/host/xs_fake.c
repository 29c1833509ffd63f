/*
 * The fake xenstored of tests/host/xs_fake.h, the daemon half: a node
 * table, watches and transactions.  Replies are built like C xenstored's:
 * XS_READ values without a NUL, acks "OK\0", errors as an errno name with
 * a NUL, the transaction id in decimal with a NUL.
 */
#include "tests/host/xs_fake.h"
#include "lib/printf.h"
#include "lib/string.h"

#define NODES	  64
#define PATH_LEN  XS_WATCH_PATH_MAX
#define VAL_LEN	  4096
#define WATCHES	  (XS_WATCH_MAX + 8)
#define TXNS	  4
#define TXN_TOUCH 16

struct node {
	bool used;
	char path[PATH_LEN];
	char val[VAL_LEN];
	uint64_t gen;
};

struct fwatch {
	bool used;
	char path[PATH_LEN]; /* as registered: relative or absolute */
	char token[XS_WATCH_TOKEN_MAX];
};

struct txn {
	bool used;
	uint32_t id;
	uint64_t start;			   /* generation at start */
	struct node writes[TXN_TOUCH];	   /* pending, applied at commit */
	char touched[TXN_TOUCH][PATH_LEN]; /* read or written */
	unsigned int nr_touched;
};

static struct node nodes[NODES];
static struct fwatch watches[WATCHES];
static struct txn txns[TXNS];
static uint64_t gen;
static uint32_t next_txn;
/* The request being handled. */
static const struct xs_fake_req *req;

/* ---- the node table ---- */

static void abs_path(char *buf, const char *path)
{
	if (path[0] == '/')
		snprintf(buf, PATH_LEN, "%s", path);
	else
		snprintf(buf, PATH_LEN, "%s/%s", XS_FAKE_HOME, path);
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static struct node *lookup(const char *abs)
{
	for (unsigned int i = 0; i < NODES; i++)
		if (nodes[i].used && !strcmp(nodes[i].path, abs))
			return &nodes[i];
	return NULL;
}

int xs_fake_set(const char *abs, const char *val)
{
	struct node *n = lookup(abs);

	for (unsigned int i = 0; !n && i < NODES; i++)
		n = nodes[i].used ? NULL : &nodes[i];
	if (!n)
		return -ENOSPC;
	n->used = true;
	strlcpy(n->path, abs, sizeof(n->path));
	strlcpy(n->val, val, sizeof(n->val));
	n->gen = ++gen;
	return 0;
}

const char *xs_fake_get(const char *abs)
{
	struct node *n = lookup(abs);

	return n ? n->val : NULL;
}

unsigned int xs_fake_nr_watches(void)
{
	unsigned int nr = 0;

	for (unsigned int i = 0; i < WATCHES; i++)
		nr += watches[i].used;
	return nr;
}

static void fire(const char *abs)
{
	char wabs[PATH_LEN];

	for (unsigned int i = 0; i < WATCHES; i++) {
		struct fwatch *w = &watches[i];

		if (!w->used)
			continue;
		abs_path(wabs, w->path);
		if (!under(abs, wabs))
			continue;
		/* A relative watch hears relative paths. */
		xs_fake_put_event(
		    w->path[0] == '/' ? abs : abs + strlen(XS_FAKE_HOME) + 1,
		    w->token);
	}
}

/* ---- requests ---- */

static void reply(uint32_t type, const void *body, size_t len)
{
	xs_fake_reply(req, type, body, len);
}

static void reply_err(const char *name)
{
	reply(XS_ERROR, name, strlen(name) + 1);
}

static void reply_ok(void)
{
	reply(req->hdr.type, "OK", 3);
}

static struct txn *find_txn(uint32_t id)
{
	for (unsigned int i = 0; i < TXNS; i++)
		if (txns[i].used && txns[i].id == id)
			return &txns[i];
	return NULL;
}

static void touch(struct txn *t, const char *abs)
{
	if (t->nr_touched < TXN_TOUCH)
		strlcpy(t->touched[t->nr_touched++], abs, PATH_LEN);
}

static void do_read(struct txn *t, const char *abs)
{
	const struct node *n = lookup(abs);

	for (unsigned int i = 0; t && i < TXN_TOUCH; i++)
		if (t->writes[i].used && !strcmp(t->writes[i].path, abs))
			n = &t->writes[i];
	if (t)
		touch(t, abs);
	if (!n)
		return reply_err("ENOENT");
	reply(XS_READ, n->val, strlen(n->val));
}

static void do_write(struct txn *t, const char *abs, const char *val)
{
	unsigned int i;

	if (!under(abs, XS_FAKE_HOME) || !strcmp(abs, XS_FAKE_HOME))
		return reply_err("EACCES");
	if (!t) {
		if (xs_fake_set(abs, val))
			return reply_err("ENOSPC");
		fire(abs);
		return reply_ok();
	}
	for (i = 0; i < TXN_TOUCH && t->writes[i].used; i++)
		;
	if (i == TXN_TOUCH)
		return reply_err("ENOSPC");
	t->writes[i].used = true;
	strlcpy(t->writes[i].path, abs, PATH_LEN);
	strlcpy(t->writes[i].val, val, VAL_LEN);
	touch(t, abs);
	reply_ok();
}

static void do_rm(const char *abs)
{
	bool found = false;

	if (!under(abs, XS_FAKE_HOME))
		return reply_err("EACCES");
	for (unsigned int i = 0; i < NODES; i++) {
		if (nodes[i].used && under(nodes[i].path, abs)) {
			nodes[i].used = false;
			found = true;
		}
	}
	if (!found)
		return reply_err("ENOENT");
	gen++;
	fire(abs);
	reply_ok();
}

static void do_directory(const char *abs)
{
	static char out[XENSTORE_PAYLOAD_MAX];
	size_t len = 0, dlen = strlen(abs);
	bool found = false;

	for (unsigned int i = 0; i < NODES; i++) {
		const char *p = nodes[i].path, *name, *end;
		size_t n;

		if (!nodes[i].used || !under(p, abs))
			continue;
		found = true;
		if (!p[dlen])
			continue;
		name = p + dlen + 1;
		end = strchr(name, '/');
		n = end ? (size_t)(end - name) : strlen(name);
		/* Skip names already listed. */
		for (size_t o = 0; o < len; o += strlen(out + o) + 1)
			if (strlen(out + o) == n && !memcmp(out + o, name, n))
				goto next;
		memcpy(out + len, name, n);
		out[len + n] = '\0';
		len += n + 1;
	next:;
	}
	if (!found)
		return reply_err("ENOENT");
	reply(XS_DIRECTORY, out, len);
}

static void do_watch(bool add, const char *path, const char *token)
{
	for (unsigned int i = 0; i < WATCHES; i++) {
		struct fwatch *w = &watches[i];

		if (!add && w->used && !strcmp(w->path, path) &&
		    !strcmp(w->token, token)) {
			w->used = false;
			return reply_ok();
		}
		if (add && !w->used) {
			w->used = true;
			strlcpy(w->path, path, sizeof(w->path));
			strlcpy(w->token, token, sizeof(w->token));
			reply_ok();
			/* xenstored fires every new watch once. */
			return xs_fake_put_event(path, token);
		}
	}
	reply_err(add ? "ENOSPC" : "ENOENT");
}

static void do_txn_start(void)
{
	char id[16];

	for (unsigned int i = 0; i < TXNS; i++) {
		if (txns[i].used)
			continue;
		memset(&txns[i], 0, sizeof(txns[i]));
		txns[i].used = true;
		txns[i].id = ++next_txn;
		txns[i].start = gen;
		snprintf(id, sizeof(id), "%u", txns[i].id);
		return reply(XS_TRANSACTION_START, id, strlen(id) + 1);
	}
	reply_err("EBUSY");
}

static void do_txn_end(struct txn *t, bool commit)
{
	t->used = false;
	for (unsigned int i = 0; commit && i < t->nr_touched; i++) {
		const struct node *n = lookup(t->touched[i]);

		if (n && n->gen > t->start)
			return reply_err("EAGAIN");
	}
	for (unsigned int i = 0; commit && i < TXN_TOUCH; i++) {
		if (t->writes[i].used) {
			xs_fake_set(t->writes[i].path, t->writes[i].val);
			fire(t->writes[i].path);
		}
	}
	reply_ok();
}

void xs_fake_handle(const struct xs_fake_req *r)
{
	const char *arg2 = r->body + strlen(r->body) + 1;
	struct txn *t = NULL;
	char abs[PATH_LEN];

	req = r;
	xs_fake.requests++;
	if (xs_fake.hook && xs_fake.hook(r, xs_fake.hook_arg))
		return;
	if (xs_fake.silent)
		return;
	if (req->hdr.tx_id && !(t = find_txn(req->hdr.tx_id)))
		return reply_err("ENOENT");
	abs_path(abs, req->body);
	switch (req->hdr.type) {
	case XS_READ:
		return do_read(t, abs);
	case XS_WRITE:
		return do_write(t, abs, arg2);
	case XS_RM:
		return do_rm(abs);
	case XS_DIRECTORY:
		return do_directory(abs);
	case XS_WATCH:
	case XS_UNWATCH:
		return do_watch(req->hdr.type == XS_WATCH, req->body, arg2);
	case XS_TRANSACTION_START:
		return do_txn_start();
	case XS_TRANSACTION_END:
		return t ? do_txn_end(t, req->body[0] == 'T')
			 : reply_err("EINVAL");
	default:
		return reply_err("EINVAL");
	}
}

/* Take every complete request out of the request ring. */

void xs_fake_tick(void)
{
	if (xs_fake.later_path && xs_fake.now >= xs_fake.later_at) {
		xs_fake_set(xs_fake.later_path, xs_fake.later_val);
		fire(xs_fake.later_path);
		xs_fake.later_path = NULL;
	}
}

void xs_fake_daemon_reset(void)
{
	memset(nodes, 0, sizeof(nodes));
	memset(watches, 0, sizeof(watches));
	memset(txns, 0, sizeof(txns));
	gen = 0;
	next_txn = 0;
	xs_fake_set(XS_FAKE_HOME "/domid", "7");
	xs_fake_set(XS_FAKE_HOME "/name", "guest");
	xs_fake_set("/local/domain/0/name", "Domain-0");
}
