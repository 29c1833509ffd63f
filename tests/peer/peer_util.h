/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the dom0 peer programs: one-line logging, bounded
 * parsing of numbers another domain wrote, monotonic time, stop signals.
 * Nothing here touches Xen, so the host unit tests link it as is.
 */
#ifndef PEER_UTIL_H
#define PEER_UTIL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Longest decimal a peer accepts from a guest: UINT32_MAX has 10 digits. */
#define PEER_U32_MAX_DIGITS 10

/* Set by SIGTERM / SIGINT once peer_signals_init() has run. */
extern volatile sig_atomic_t peer_stop;

/* Every log line starts with "<prefix>: " (the dom0 console is shared). */
void peer_log_init(const char *prefix);
void peer_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For the unit tests: stop printing; the last line is kept either way. */
void peer_log_mute(int mute);
const char *peer_log_last(void);

/*
 * Parse exactly @len bytes of @s as a plain decimal (digits only, no sign,
 * no spaces, at most PEER_U32_MAX_DIGITS) not above @max.  The length is
 * explicit because a xenstore value may hold NUL bytes.
 * Returns 0, or -EINVAL (not a number) or -ERANGE (above @max).
 */
int peer_parse_u32(const char *s, size_t len, uint32_t max, uint32_t *out);

/*
 * The command line of a peer aimed at one guest ring:
 * [--domid N] [--timeout SECS] MODE.  The domid defaults to $KTEST_DOMID,
 * the timeout to 120 s (1..86400); MODE must be one of the NULL-ended
 * @modes.  Returns 0, or -EINVAL for anything missing, unknown or out of
 * range (the caller prints its usage).
 */
struct peer_target {
	uint32_t domid, timeout_s;
	const char *mode;
};
int peer_parse_target(int argc, char **argv, const char *const *modes,
		      struct peer_target *t);

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t peer_now_ms(void);

/* SIGTERM and SIGINT set peer_stop and interrupt blocking calls. */
int peer_signals_init(void);

/* The pid of the first process whose /proc/PID/comm is @comm, or 0. */
pid_t peer_find_pid(const char *comm);

#endif /* PEER_UTIL_H */
