// SPDX-License-Identifier: MIT
/*
 * hostile-console: a console backend that breaks the PV console protocol
 * (MSA03), for tests/guest/msa03_test.c.  It maps the guest's real console
 * ring (grant reference GNTTAB_RESERVED_CONSOLE, granted to dom0 by the
 * domain builder, which is how xenconsoled maps it too), stops xenconsoled
 * (SIGSTOP) so that it alone plays the backend, and moves the indices:
 *
 *   leap   every 5 ms: out_cons += 4096, out_prod = out_cons + 2048, both
 *          in one 8-byte store (no reader sees a half-moved pair).  The
 *          consumer is far past anything the guest produced, while a
 *          writer that reads out_prod back sees a full ring that keeps
 *          "moving", and waits for ever.
 *   creep  every 50 ms: out_cons += 1, never past the guest's out_prod: an
 *          honest consumer of 20 bytes a second, which holds for minutes
 *          a writer whose waits end only on "no progress" (Solo5's
 *          console writer and MSA03: output over the 2048-byte ring). Protocol,
 * under /local/domain/<g>/data/ktest-cons/: the guest writes go=1; we map, stop
 * xenconsoled, write state=attacking and attack until the guest writes cmd=done
 * (or --timeout SECS of attacking, in creep mode from the guest's first write:
 * the wait for go has its own SECS, so the attack lasts the same time however
 * long the guest took to boot), then put
 * out_cons = out_prod, let xenconsoled go on (SIGCONT,
 * also on SIGTERM) and write state=done.  On a set-up failure: state=error
 * <reason>.
 *
 * Usage: hostile-console [--domid N] [--timeout SECS] leap|creep
 */
#include "peer_util.h"
#include "peer_xs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/grant_table.h>
#include <xen/io/console.h>
#include <xengnttab.h>

#define LEAP_STEP_MS  5
#define CREEP_STEP_MS 50

static pid_t consoled;
static char home[64];

static void release_consoled(void)
{
	if (consoled > 0 && !kill(consoled, SIGCONT))
		peer_log("xenconsoled %d continued", (int)consoled);
	consoled = 0;
}

static int state(struct xs_handle *xs, const char *fmt, const char *arg)
{
	char path[96];

	snprintf(path, sizeof(path), "%s/state", home);
	return peer_xs_printf(xs, XBT_NULL, path, fmt, arg);
}

/* Wait for home/leaf == want; 0, or -ETIMEDOUT at `end` / on a signal. */
static int wait_node(struct xs_handle *xs, const char *leaf, const char *want,
		     uint64_t end)
{
	char path[96], buf[16];

	snprintf(path, sizeof(path), "%s/%s", home, leaf);
	while (!peer_stop && peer_now_ms() < end) {
		if (peer_xs_read(xs, XBT_NULL, path, buf, sizeof(buf)) >= 0 &&
		    !strcmp(buf, want))
			return 0;
		usleep(20000);
	}
	return -ETIMEDOUT;
}

/*
 * Attack for timeout_ms: in creep mode counted from the guest's first
 * write after state=attacking (out_prod moves), so the writer it holds is
 * held at least that long however long the guest took to notice the state
 * (msa03-creep-off's --timeout needs only a second over the test's bound),
 * and at most timeout_ms more while it does not write.
 */
static void attack(struct xencons_interface *r, int creep, struct xs_handle *xs,
		   uint64_t timeout_ms)
{
	XENCONS_RING_IDX cons = __atomic_load_n(&r->out_cons, __ATOMIC_SEQ_CST);
	XENCONS_RING_IDX prod0 = __atomic_load_n(&r->out_prod, __ATOMIC_SEQ_CST);
	uint64_t *pair = (uint64_t *)&r->out_cons; /* out_cons, out_prod */
	uint64_t end = peer_now_ms() + timeout_ms;
	int wrote = !creep;
	char path[96], buf[16];
	unsigned long steps = 0;

	_Static_assert(offsetof(struct xencons_interface, out_prod) ==
			   offsetof(struct xencons_interface, out_cons) + 4,
		       "out_cons and out_prod adjacent");
	snprintf(path, sizeof(path), "%s/cmd", home);
	while (!peer_stop && peer_now_ms() < end) {
		if (!wrote && prod0 != __atomic_load_n(&r->out_prod,
						       __ATOMIC_SEQ_CST)) {
			wrote = 1;
			end = peer_now_ms() + timeout_ms;
		}
		if (creep) {
			if (cons !=
			    __atomic_load_n(&r->out_prod, __ATOMIC_SEQ_CST))
				__atomic_store_n(&r->out_cons, ++cons,
						 __ATOMIC_SEQ_CST);
		} else {
			cons += 4096;
			__atomic_store_n(
			    pair,
			    (uint64_t)cons |
				(uint64_t)(XENCONS_RING_IDX)(cons + 2048) << 32,
			    __ATOMIC_SEQ_CST);
		}
		steps++;
		usleep((creep ? CREEP_STEP_MS : LEAP_STEP_MS) * 1000);
		if (!(steps % (creep ? 2 : 20)) &&
		    peer_xs_read(xs, XBT_NULL, path, buf, sizeof(buf)) >= 0 &&
		    !strcmp(buf, "done"))
			break;
	}
	peer_log("%lu moves of the indices; last consumer %u", steps, cons);
	/* Nothing left to read for xenconsoled once it goes on. */
	__atomic_store_n(&r->out_cons,
			 __atomic_load_n(&r->out_prod, __ATOMIC_SEQ_CST),
			 __ATOMIC_SEQ_CST);
}

int main(int argc, char **argv)
{
	static const char *const modes[] = {"leap", "creep", NULL};
	struct peer_target t;
	uint32_t domid, timeout;
	const char *mode;
	struct xencons_interface *r;
	struct xs_handle *xs;
	xengnttab_handle *gt;
	int creep;

	peer_log_init("hostile-console");
	if (peer_parse_target(argc, argv, modes, &t)) {
		fprintf(stderr, "usage: hostile-console [--domid N] "
				"[--timeout SECS] leap|creep\n");
		return 1;
	}
	domid = t.domid;
	timeout = t.timeout_s;
	mode = t.mode;
	creep = !strcmp(mode, "creep");
	if (peer_signals_init())
		return 1;
	xs = xs_open(0);
	if (!xs) {
		peer_log("xs_open: %s", strerror(errno));
		return 1;
	}
	snprintf(home, sizeof(home), "/local/domain/%u/data/ktest-cons", domid);
	uint64_t end = peer_now_ms() + (uint64_t)timeout * 1000;

	if (wait_node(xs, "go", "1", end)) {
		peer_log("no go from domain %u", domid);
		return 2;
	}
	gt = xengnttab_open(NULL, 0);
	r = gt ? xengnttab_map_grant_ref(gt, domid, GNTTAB_RESERVED_CONSOLE,
					 PROT_READ | PROT_WRITE)
	       : NULL;
	if (!r) {
		peer_log("cannot map the console grant of domain %u: %s", domid,
			 strerror(errno));
		state(xs, "error %s", "map");
		return 1;
	}
	consoled = peer_find_pid("xenconsoled");
	if (consoled <= 0 || kill(consoled, SIGSTOP)) {
		peer_log("cannot stop xenconsoled");
		state(xs, "error %s", "xenconsoled");
		xengnttab_unmap(gt, r, 1);
		return 1;
	}
	atexit(release_consoled);
	peer_log("%s: xenconsoled %d stopped, console ring of domain %u mapped",
		 mode, (int)consoled, domid);
	state(xs, "%s", "attacking");
	/*
	 * A writer with no bound (BUGGY=msa03) is held at least this long,
	 * which msa03.console_write_bounded compares with its bound.
	 */
	attack(r, creep, xs, (uint64_t)timeout * 1000);
	release_consoled();
	xengnttab_unmap(gt, r, 1);
	state(xs, "%s", "done");
	xs_close(xs);
	return 0;
}
