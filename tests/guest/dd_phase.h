/*
 * The driver-domain scenario's phases (issue 8, DD-CONTRACT.md): dom0
 * writes data/ktest/phase in our home, we write data/ktest/ack = the phase
 * name once we finished it.  Phases only move forward:
 *   connect < baseline < flood < after < done
 * Shared by the ddclient and hostile_fe suites.
 */
#ifndef TESTS_GUEST_DD_PHASE_H
#define TESTS_GUEST_DD_PHASE_H

#include "lib/compiler.h"
#include "lib/string.h"

enum dd_phase {
	DD_NONE = 0, /* no phase key: not in the scenario */
	DD_CONNECT,
	DD_BASELINE,
	DD_FLOOD,
	DD_AFTER,
	DD_DONE,
	DD_BAD, /* a value we do not know */
};

#define DD_PHASE_KEY "data/ktest/phase"
#define DD_ACK_KEY   "data/ktest/ack"
/* The contract's bound on each phase wait. */
#define DD_PHASE_WAIT_NS (240ULL * 1000 * 1000 * 1000)

static inline const char *dd_phase_name(enum dd_phase p)
{
	static const char *const n[] = {"none",	 "connect", "baseline", "flood",
					"after", "done",    "bad"};

	return p <= DD_BAD ? n[p] : "bad";
}

/* The phase a value names (exactly, `len` bytes), or DD_BAD. */
static inline enum dd_phase dd_phase_parse(const char *s, size_t len)
{
	for (unsigned int p = DD_CONNECT; p < DD_BAD; p++) {
		const char *n = dd_phase_name((enum dd_phase)p);

		if (strlen(n) == len && !memcmp(s, n, len))
			return (enum dd_phase)p;
	}
	return DD_BAD;
}

/* The phase now: DD_NONE without the key (or without Xen), DD_BAD. */
enum dd_phase dd_phase_now(void);
/*
 * Is there a phase key, looking again for up to `grace_ns` (dom0 may
 * write it just after starting us)?
 */
bool dd_phase_appears(uint64_t grace_ns);
/*
 * Wait, with a watch on the phase key, until the phase is `want` or later
 * or `timeout_ns` passed, calling pump() (if any) all the while so the
 * caller's traffic keeps being served.  The phase reached in *now.
 * 0, -ETIMEDOUT, -ENOENT (no phase key: not in the scenario), -errno.
 */
int dd_phase_wait(enum dd_phase want, uint64_t timeout_ns, void (*pump)(void),
		  enum dd_phase *now);
/* Write data/ktest/ack = the phase's name; 0/-errno. */
int dd_ack(enum dd_phase p);
/* Write data/ktest/<name> = value (rate, hostile); 0/-errno. */
int dd_put(const char *name, const char *value);

#endif
