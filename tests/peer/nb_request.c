// SPDX-License-Identifier: MIT
/*
 * hostile-netback's mode channel (issue 10/11): one run of the peer
 * serves a guest's tests mode after mode.  The guest asks in its own
 * xenstore home, data/ktest-nb/request = "<seq> <mode>[ storm=N][ hold=S]
 * [ close=C]" (C: seconds a still-connected frontend has to close);
 * the peer resets the vif and answers data/ktest-nb/ack = "<seq> <mode>
 * storm=N hold=S" (the mode and parameters it will now serve, from its own
 * state, never an echo) or "<seq> refused <why>".  The request comes from
 * another domain: it is parsed here once, bounded, token by token, and
 * anything unexpected is a refusal with a reason, never a guess.
 */
#include "nb.h"
#include "peer_util.h"

#include <errno.h>
#include <stdio.h>

/* Same bounds as the command line's --storm and --hold. */
#define NB_STORM_MAX 100000000u
#define NB_HOLD_MAX  86400u
/* close=: at most the default bound (NB_SWITCH_WAIT_MS), never longer. */
#define NB_CLOSE_MAX 10u

/* The next space-separated token of [*p, end): its length (0: none). */
static size_t next_token(const char **p, const char *end, const char **tok)
{
	const char *s = *p, *e;

	*tok = s;
	for (e = s; e < end && *e != ' '; e++)
		;
	/* One space between tokens, none at either end. */
	*p = e < end ? e + 1 : e;
	return (size_t)(e - s);
}

static bool token_is(const char *tok, size_t n, const char *key)
{
	size_t k = strlen(key);

	return n > k && !memcmp(tok, key, k);
}

/* The options a request may carry, each once, with its bounds. */
static const struct option {
	const char *key;
	uint32_t min, max;
	const char *repeated, *bad; /* the refusals' reasons */
} options[] = {
    {"storm=", 1, NB_STORM_MAX, "repeated option storm",
     "bad storm (1..100000000)"},
    {"hold=", 0, NB_HOLD_MAX, "repeated option hold", "bad hold (0..86400)"},
    {"close=", 1, NB_CLOSE_MAX, "repeated option close", "bad close (1..10)"},
};

/* "storm=N" / "hold=S" / "close=C"; -EINVAL with *why set. */
static int parse_option(const char *tok, size_t n, struct nb_request *r,
			const char **why)
{
	bool *have[] = {&r->have_storm, &r->have_hold, &r->have_close};
	uint32_t v;

	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		const struct option *o = &options[i];
		size_t k = strlen(o->key);

		if (!token_is(tok, n, o->key))
			continue;
		*why = *have[i] ? o->repeated : o->bad;
		if (*have[i] || peer_parse_u32(tok + k, n - k, o->max, &v) ||
		    v < o->min)
			return -EINVAL;
		*why = NULL;
		*have[i] = true;
		if (i == 0)
			r->storm = v;
		else if (i == 1)
			r->hold_s = v;
		else
			r->close_s = v;
		return 0;
	}
	*why = "unknown option";
	return -EINVAL;
}

int nb_request_parse(const char *s, size_t len, struct nb_request *r,
		     const char **why)
{
	const char *p = s, *end = s + len, *tok;
	char name[24];
	size_t n;

	memset(r, 0, sizeof(*r));
	*why = NULL;
	if (len == 0 || len > NB_REQUEST_MAX || memchr(s, '\0', len)) {
		*why = len ? "too long or not text" : "empty";
		return -EINVAL;
	}
	/* One space between tokens and none at the ends: nothing to guess. */
	if (s[0] == ' ' || s[len - 1] == ' ') {
		*why = "space at an end";
		return -EINVAL;
	}
	n = next_token(&p, end, &tok);
	if (peer_parse_u32(tok, n, UINT32_MAX, &r->seq) || !r->seq) {
		*why = "bad seq (1..4294967295)";
		return -EINVAL;
	}
	n = next_token(&p, end, &tok);
	if (n == 0 || n >= sizeof(name)) {
		*why = "no mode";
		return -EINVAL;
	}
	memcpy(name, tok, n);
	name[n] = '\0';
	if (nb_mode_parse(name, &r->mode)) {
		*why = "unknown mode";
		return -EINVAL;
	}
	while (p < end) {
		n = next_token(&p, end, &tok);
		if (n == 0) {
			*why = "two spaces in a row";
			return -EINVAL;
		}
		if (parse_option(tok, n, r, why))
			return -EINVAL;
	}
	return 0;
}

int nb_ack_format(char *buf, size_t len, uint32_t seq, enum nb_mode mode,
		  unsigned int storm, unsigned long hold_s,
		  unsigned int close_s)
{
	char close[24] = "";
	int n;

	if (close_s)
		snprintf(close, sizeof(close), " close=%u", close_s);
	n = snprintf(buf, len, "%u %s storm=%u hold=%lu%s", seq,
		     nb_mode_name(mode), storm, hold_s, close);

	return n >= 0 && (size_t)n < len ? n : -E2BIG;
}

int nb_refusal_format(char *buf, size_t len, uint32_t seq, const char *why)
{
	int n = snprintf(buf, len, "%u refused %s", seq, why);

	return n >= 0 && (size_t)n < len ? n : -E2BIG;
}
