/*
 * Kernel log and console output.  Messages go to every registered console
 * sink (16550 UART, port 0xE9, the Xen PV console once it is up).
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include "lib/compiler.h"
#include <stdarg.h>

enum log_level {
	LOG_EMERG = 0,
	LOG_ERR = 3,
	LOG_WARN = 4,
	LOG_INFO = 6,
	LOG_DEBUG = 7,
};

/* Messages above this level are dropped (cmdline `loglevel=N`). */
extern int printk_loglevel;

/* Log a message with a level prefix; e.g. printk(LOG_ERR, "x: %d\n", e). */
__printf(2, 3) void printk(int level, const char *fmt, ...);
/* Raw console output, no level filtering: test protocol lines (KTAP). */
__printf(1, 2) void cons_printf(const char *fmt, ...);
void cons_vprintf(const char *fmt, va_list ap);
void cons_write(const char *s, size_t len);
/* panic()'s line, "\n[PANIC] <message>\n": one spelling for the kernel's
 * panic and the host build's (tests/host/fake_kernel.c). */
void cons_panic_vprintf(const char *fmt, va_list ap);

/* A console sink; registered sinks receive every byte written. */
struct cons_sink {
	const char *name;
	void (*write)(const char *s, size_t len);
	void (*flush)(void); /* may be NULL: wait until output is delivered */
	bool replay;	     /* on registration, receive the boot log so far */
	struct cons_sink *next;
};
void cons_register(struct cons_sink *sink);
void cons_unregister(struct cons_sink *sink);
/* Wait until every sink has delivered its output (before shutdown). */
void cons_flush(void);

#define pr_err(...)   printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

/* Stop the kernel with a message and a backtrace; boot cannot continue. */
__noreturn __printf(1, 2) void panic(const char *fmt, ...);

/*
 * Our own invariants only, never data from another domain (that gets
 * validation and an error path).
 */
#define ASSERT(c)                                                              \
	do {                                                                   \
		if (unlikely(!(c)))                                            \
			panic("assertion failed: %s at %s:%d", #c, __FILE__,   \
			      __LINE__);                                       \
	} while (0)

#endif
