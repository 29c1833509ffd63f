/*
 * The console core (kernel/printk.c) writes one message at a time: a
 * message begun while another is being written (an event handler's; here
 * a sink that prints in the middle of a line, as an upcall would) comes out
 * after the interrupted line, whole, and after the rest of a line that was
 * left open.  With the one format buffer shared, both lines lost their ends
 * (scenario nf-rx-overflow lost a KTAP result line that way).
 */
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "lib/string.h"

static char got[256];
static size_t got_len;
static bool fire;

/* Keeps every byte; "fires the handler" once, after the third byte. */
static void capture(const char *s, size_t len)
{
	for (size_t i = 0; i < len && got_len < sizeof(got) - 1; i++) {
		got[got_len++] = s[i];
		if (fire && got_len == 3) {
			fire = false;
			printk(LOG_ERR, "printk_test inner %d\n", 2);
		}
	}
	got[got_len] = '\0';
}

static struct cons_sink sink = {.name = "printk_test", .write = capture};

static int start(void)
{
	got_len = 0;
	got[0] = '\0';
	fire = true;
	cons_register(&sink);
	return 0;
}

static void stop(void)
{
	cons_unregister(&sink);
}

KTEST_SUITE(printk, .init = start, .exit = stop);

KTEST(printk, handler_message_after_the_line)
{
	cons_printf("    # printk_test outer %s\n", "line");
	KT_EXPECT_STREQ(got, "    # printk_test outer line\n"
			     "[ERR] printk_test inner 2\n");
}

KTEST(printk, handler_message_after_an_open_line)
{
	cons_printf("    # printk_test first half, ");
	cons_printf("second half\n");
	KT_EXPECT_STREQ(got, "    # printk_test first half, second half\n"
			     "[ERR] printk_test inner 2\n");
}
