// SPDX-License-Identifier: MIT
/*
 * The pure half of the traffic peer (see traffic.h): command parsing,
 * frame scanning, payload patterns, /proc/interrupts.  Everything the
 * guest wrote is bounded before use.
 */
#include "traffic.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Next space-free field of at most max - 1 bytes; NULL when malformed. */
static const char *field(const char *s, const char *end, char *out, size_t max)
{
	size_t n = 0;

	while (s < end && *s != ' ') {
		/* Printable ASCII only: the result goes to the console. */
		if (*s <= ' ' || *s > '~' || n + 1 >= max)
			return NULL;
		out[n++] = *s++;
	}
	if (!n)
		return NULL;
	out[n] = '\0';
	return s;
}

int traffic_parse_cmd(const char *s, size_t len, struct traffic_cmd *c)
{
	const char *end = s + len;
	char seq[12];
	char *tail;

	memset(c, 0, sizeof(*c));
	if (len >= TRAFFIC_CMD_MAX)
		return -EINVAL;
	s = field(s, end, seq, sizeof(seq));
	if (!s || s == end || seq[0] < '0' || seq[0] > '9')
		return -EINVAL;
	errno = 0;
	unsigned long v = strtoul(seq, &tail, 10);
	if (errno || *tail || v > UINT32_MAX)
		return -EINVAL;
	c->seq = (uint32_t)v;
	s = field(s + 1, end, c->verb, sizeof(c->verb));
	if (!s ||
	    strspn(c->verb, "abcdefghijklmnopqrstuvwxyz-") != strlen(c->verb))
		return -EINVAL;
	while (s < end) {
		if (c->nargs == TRAFFIC_ARGS)
			return -EINVAL;
		s = field(s + 1, end, c->arg[c->nargs++], TRAFFIC_ARG_MAX);
		if (!s)
			return -EINVAL;
	}
	return 0;
}

static bool has_canary_run(const uint8_t *f, size_t len)
{
	size_t run = 0;

	for (size_t i = 0; i < len; i++) {
		run = f[i] == TRAFFIC_CANARY ? run + 1 : 0;
		if (run >= TRAFFIC_CANARY_RUN)
			return true;
	}
	return false;
}

void traffic_scan_frame(const uint8_t *f, size_t len, const uint8_t mac[6],
			struct traffic_capture *c)
{
	size_t tot, ihl;

	if (len < 14 || memcmp(f + 6, mac, 6))
		return;
	c->frames++;
	if (has_canary_run(f, len))
		c->canary++;
	if (f[12] != 0x08 || f[13] != 0x00 || len < 14 + 20)
		return;
	tot = (size_t)f[16] << 8 | f[17];
	ihl = (size_t)(f[14] & 0xf) * 4;
	if (tot > len - 14 || ihl < 20 || ihl > tot)
		return;
	/* Ethernet padding (or a leak) after the datagram must be zero. */
	for (size_t i = 14 + tot; i < len; i++) {
		if (f[i]) {
			c->trailer++;
			break;
		}
	}
	if (f[23] == 17 && tot >= ihl + 8) {
		const uint8_t *u = f + 14 + ihl;

		if (((unsigned int)u[2] << 8 | u[3]) == TRAFFIC_PROBE_PORT)
			c->probes++;
	}
}

void traffic_pattern(uint8_t *buf, size_t len, uint32_t n)
{
	uint32_t x = n * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
}

uint64_t traffic_vif_irqs(const char *text, unsigned int domid)
{
	char want[32];
	uint64_t total = 0;
	const char *line = text;

	snprintf(want, sizeof(want), "vif%u.", domid);
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char buf[512];

		if (n < sizeof(buf)) {
			uint64_t sum = 0;
			bool match = false;
			char *tok, *save;

			memcpy(buf, line, n);
			buf[n] = '\0';
			/* "IRQ:  c0  c1 ... chip  hwirq  name": the name is the
			 * last field; the counts are the numeric fields after
			 * the "NN:" label. */
			tok = strtok_r(buf, " \t", &save);
			if (tok && tok[strlen(tok) - 1] == ':') {
				char *last = NULL, *end;
				bool counting = true;

				while ((tok = strtok_r(NULL, " \t", &save))) {
					unsigned long long v =
					    strtoull(tok, &end, 10);

					if (counting && !*end)
						sum += v;
					else
						counting = false;
					last = tok;
				}
				match =
				    last && !strncmp(last, want, strlen(want));
			}
			if (match)
				total += sum;
		}
		line = nl ? nl + 1 : NULL;
	}
	return total;
}

int traffic_cpu_parse(const char *text, struct traffic_cpu *c)
{
	unsigned long long v[8] = {0};
	int n;

	/* The first line sums every CPU: "cpu  user nice system idle iowait
	 * irq softirq steal ...", in USER_HZ ticks; older kernels print
	 * fewer fields (the rest stay 0). */
	if (strncmp(text, "cpu ", 4))
		return -1;
	n = sscanf(text + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	if (n < 4)
		return -1;
	c->total = 0;
	for (int i = 0; i < 8; i++)
		c->total += v[i];
	c->idle = v[3] + v[4];
	c->steal = v[7];
	return 0;
}
