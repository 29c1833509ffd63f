// SPDX-License-Identifier: MIT
/*
 * hostile-netback's command line (see usage() and README.md): every
 * number bounded, a MAC exactly "xx:xx:xx:xx:xx:xx", one SCENARIO, which
 * is the mode the peer starts with (the guest may ask for others later,
 * nb_switch.c).
 */
#include "nb_main.h"
#include "peer_util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xen/xen.h>

void nb_usage(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"usage: hostile-netback [--domid N] [--timeout SECS] "
		"[--storm N] [--hold SECS]\n"
		"                       [--mac XX:XX:XX:XX:XX:XX] "
		"[--ready-file PATH] SCENARIO\n"
		"  --domid N          the guest (default: $KTEST_DOMID, else "
		"the newest guest)\n"
		"  --timeout SECS     give up after SECS seconds (exit 2)\n"
		"  --storm N          notifications for 'storm' (100000)\n"
		"  --hold SECS        hold-tx-grant unmaps after SECS (3; 0: "
		"at exit)\n"
		"  --mac MAC          the guest's MAC (00:16:3e:6b:HH:LL from "
		"its domid)\n"
		"  --ready-file PATH  created once the device nodes exist\n"
		"scenarios:");
	for (i = 0; i < NB_MODE_COUNT; i++)
		fprintf(f, " %s", nb_mode_name((enum nb_mode)i));
	fprintf(f, "\n");
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int i, hi, lo;

	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		const char *p = s + 3 * i;

		if (i < 5 && p[2] != ':')
			return -EINVAL;
		if (sscanf(p, "%1x%1x", &hi, &lo) != 2)
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int parse_num(const char *s, uint32_t max, uint32_t *v)
{
	return peer_parse_u32(s, strlen(s), max, v);
}

int nb_parse_args(int argc, char **argv, struct nb_args *a)
{
	const char *scenario = NULL;
	uint32_t v;
	int i;

	memset(a, 0, sizeof(*a));
	a->domid = -1;
	a->storm = 100000;
	a->hold_ms = 3000;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : "";
		int rc = 0;

		if (!strcmp(o, "--domid")) {
			rc = parse_num(val, DOMID_FIRST_RESERVED - 1, &v);
			a->domid = v;
		} else if (!strcmp(o, "--timeout")) {
			rc = parse_num(val, 86400, &v) ?: (v ? 0 : -EINVAL);
			a->timeout_ms = v * 1000UL;
		} else if (!strcmp(o, "--storm")) {
			rc = parse_num(val, 100000000, &v);
			a->storm = v;
		} else if (!strcmp(o, "--hold")) {
			rc = parse_num(val, 86400, &v);
			a->hold_ms = v * 1000UL;
		} else if (!strcmp(o, "--mac")) {
			rc = parse_mac(val, a->mac);
			a->have_mac = true;
		} else if (!strcmp(o, "--ready-file")) {
			a->ready_file = val;
		} else if (o[0] != '-' && !scenario) {
			scenario = o;
			continue;
		} else {
			return -EINVAL;
		}
		if (rc || i + 1 == argc)
			return -EINVAL;
		i++;
	}
	if (!scenario || nb_mode_parse(scenario, &a->mode))
		return -EINVAL;
	return 0;
}

