// SPDX-License-Identifier: MIT
/* Helpers shared by the dom0 peer programs; see peer_util.h. */
#include "peer_util.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile sig_atomic_t peer_stop;
static const char *log_prefix = "peer";
static int log_muted;
static char log_last[512];

void peer_log_init(const char *prefix)
{
	log_prefix = prefix;
	/*
	 * stdout is the dom0 console or a pipe: line buffering keeps our
	 * lines whole and in order with everybody else's.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
}

void peer_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log_last, sizeof(log_last), fmt, ap);
	va_end(ap);
	if (log_muted)
		return;
	/* One printf per line: a line is then one write to the console. */
	printf("%s: %s\n", log_prefix, log_last);
	fflush(stdout);
}

void peer_log_mute(int mute)
{
	log_muted = mute;
}

const char *peer_log_last(void)
{
	return log_last;
}

int peer_parse_u32(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > PEER_U32_MAX_DIGITS)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		/* 10 digits fit in 64 bits: no overflow before the check. */
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int peer_parse_target(int argc, char **argv, const char *const *modes,
		      struct peer_target *t)
{
	const char *domid = getenv("KTEST_DOMID");
	int i;

	t->timeout_s = 120;
	t->mode = NULL;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--domid") && i + 1 < argc)
			domid = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			i++;
			if (peer_parse_u32(argv[i], strlen(argv[i]), 86400,
					   &t->timeout_s) ||
			    !t->timeout_s)
				return -EINVAL;
		} else if (!t->mode)
			t->mode = argv[i];
		else
			return -EINVAL;
	}
	/* 0x7fef: DOMID_FIRST_RESERVED - 1, the last ordinary domain. */
	if (!domid || peer_parse_u32(domid, strlen(domid), 0x7fef, &t->domid) ||
	    !t->mode)
		return -EINVAL;
	for (; *modes; modes++)
		if (!strcmp(t->mode, *modes))
			return 0;
	return -EINVAL;
}

uint64_t peer_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_stop(int sig)
{
	(void)sig;
	peer_stop = 1;
}

int peer_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: poll() must return EINTR so the loop sees the flag. */
	sa.sa_flags = 0;
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL))
		return -errno;
	/* The console reader may go away before us; a write must not kill. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

pid_t peer_find_pid(const char *comm)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t n = strlen(comm);
	pid_t pid = 0;

	while (d && !pid && (e = readdir(d))) {
		char path[300], buf[64] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && !strncmp(buf, comm, n) &&
		    buf[n] == '\n')
			pid = (pid_t)atoi(e->d_name);
		fclose(f);
	}
	if (d)
		closedir(d);
	return pid;
}
