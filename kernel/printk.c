/*
 * Console core.  Every byte goes to every registered sink, in order; sinks
 * are the UART and port 0xE9 early on, the Xen PV console once it is up.
 * Formatting uses one static buffer: the kernel runs on one CPU and never
 * prints from two contexts at once except a panic, which takes over.
 */
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"

int printk_loglevel = LOG_INFO;
static struct cons_sink *sinks;
static char fmt_buf[512];
/* The start of the boot log, for sinks that come up late (PV console). */
static char early_log[8192];
static size_t early_len;

static const char *const level_tag[8] = {"EMERG", "ALERT", "CRIT", "ERR",
					 "WARN",  "NOTE",  "INFO", "DEBUG"};

void cons_register(struct cons_sink *sink)
{
	struct cons_sink **p = &sinks;

	while (*p)
		p = &(*p)->next;
	sink->next = NULL;
	*p = sink;
	if (sink->replay && early_len) {
		sink->write(early_log, early_len);
		if (early_len == sizeof(early_log))
			sink->write("\n[boot log truncated]\n", 22);
	}
}

void cons_unregister(struct cons_sink *sink)
{
	for (struct cons_sink **p = &sinks; *p; p = &(*p)->next) {
		if (*p == sink) {
			*p = sink->next;
			return;
		}
	}
}

void cons_write(const char *s, size_t len)
{
	size_t keep = MIN(len, sizeof(early_log) - early_len);

	memcpy(early_log + early_len, s, keep);
	early_len += keep;
	for (struct cons_sink *k = sinks; k; k = k->next)
		k->write(s, len);
}

void cons_flush(void)
{
	for (struct cons_sink *k = sinks; k; k = k->next)
		if (k->flush)
			k->flush();
}

void cons_panic_vprintf(const char *fmt, va_list ap)
{
	cons_printf("\n[PANIC] ");
	cons_vprintf(fmt, ap);
	cons_printf("\n");
}

void cons_vprintf(const char *fmt, va_list ap)
{
	int n = vsnprintf(fmt_buf, sizeof(fmt_buf), fmt, ap);

	if (n < 0)
		return;
	/* Truncated output keeps its newline so line-based parsers resync. */
	if ((size_t)n >= sizeof(fmt_buf)) {
		n = sizeof(fmt_buf) - 1;
		fmt_buf[n - 1] = '\n';
	}
	cons_write(fmt_buf, (size_t)n);
}

void cons_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cons_vprintf(fmt, ap);
	va_end(ap);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > printk_loglevel)
		return;
	if (level >= 0 && level < 8)
		cons_printf("[%s] ", level_tag[level]);
	va_start(ap, fmt);
	cons_vprintf(fmt, ap);
	va_end(ap);
}
