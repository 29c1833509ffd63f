/*
 * Console core.  Every byte goes to every registered sink, in order; sinks
 * are the UART and port 0xE9 early on, the Xen PV console once it is up.
 *
 * One message is written at a time.  Event handlers print too (netfront
 * logs a backend's protocol error from its upcall): a message begun while
 * another is being written is formatted into `held` and written once the
 * interrupted line is complete.  Formatting it into the one fmt_buf lost
 * the ends of both lines (scenario nf-rx-overflow: a KTAP result gone),
 * and writing it at once would put it inside that line.  Interrupts are
 * off only while a message is formatted or taken from `held`, never while
 * the sinks write (the PV console may wait for its consumer).  A panic
 * takes over.
 */
#include "kernel/printk.h"
#include "kernel/arch.h"
#include "lib/printf.h"
#include "lib/string.h"

int printk_loglevel = LOG_INFO;
static struct cons_sink *sinks;
static char fmt_buf[512];
static bool writing;		   /* a message is going out to the sinks */
static bool line_open;		   /* the last byte written was not a newline */
static char held[sizeof(fmt_buf)]; /* messages begun meanwhile, in order */
static size_t held_len;
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

	if (!len)
		return;
	memcpy(early_log + early_len, s, keep);
	early_len += keep;
	for (struct cons_sink *k = sinks; k; k = k->next)
		k->write(s, len);
	line_open = s[len - 1] != '\n';
}

void cons_flush(void)
{
	for (struct cons_sink *k = sinks; k; k = k->next)
		if (k->flush)
			k->flush();
}

void cons_panic_vprintf(const char *fmt, va_list ap)
{
	/* Whatever was being written when it came, a panic is printed. */
	writing = false;
	cons_printf("\n[PANIC] ");
	cons_vprintf(fmt, ap);
	cons_printf("\n");
}

/* vsnprintf into buf[size], or -1; too long keeps its newline at the end. */
static int format(char *buf, size_t size, const char *tag, const char *fmt,
		  va_list ap)
{
	int t, n;

	if (size < 2)
		return -1;
	t = tag ? snprintf(buf, size, "[%s] ", tag) : 0;
	if (t < 0 || (size_t)t >= size)
		return -1;
	n = vsnprintf(buf + t, size - t, fmt, ap);
	if (n < 0)
		return -1;
	n += t;
	/* Truncated output keeps its newline so line-based parsers resync. */
	if ((size_t)n >= size) {
		n = size - 1;
		buf[n - 1] = '\n';
	}
	return n;
}

/* The held messages, once no line is left open: they keep their order. */
static void write_held(void)
{
	for (;;) {
		bool on = arch_irq_save();
		size_t n = line_open ? 0 : held_len;

		if (n) {
			memcpy(fmt_buf, held, n);
			held_len = 0;
		}
		arch_irq_restore(on);
		if (!n)
			return;
		cons_write(fmt_buf, n);
	}
}

static void emit(const char *tag, const char *fmt, va_list ap)
{
	bool on = arch_irq_save();
	bool nested = writing;
	int n;

	if (nested) {
		/* Begun inside another message: after it (a full `held` drops).
		 */
		n = format(held + held_len, sizeof(held) - held_len, tag, fmt,
			   ap);
		if (n > 0)
			held_len += (size_t)n;
	}
	writing = true;
	arch_irq_restore(on);
	if (nested)
		return;
	/* Handlers only append to `held` now: fmt_buf is ours. */
	write_held();
	n = format(fmt_buf, sizeof(fmt_buf), tag, fmt, ap);
	if (n > 0)
		cons_write(fmt_buf, (size_t)n);
	for (;;) {
		write_held();
		on = arch_irq_save();
		/* Done unless a handler held a message since the last look. */
		if (line_open || !held_len) {
			writing = false;
			arch_irq_restore(on);
			return;
		}
		arch_irq_restore(on);
	}
}

void cons_vprintf(const char *fmt, va_list ap)
{
	emit(NULL, fmt, ap);
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
	/* The tag and its message are one message. */
	va_start(ap, fmt);
	emit(level >= 0 && level < 8 ? level_tag[level] : NULL, fmt, ap);
	va_end(ap);
}
