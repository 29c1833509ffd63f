/*
 * Port 0xE9: QEMU's debugcon and Xen's HVM debug port.  Under Xen each
 * line appears in the hypervisor log as "(dN) ..." without needing
 * xenconsoled, which makes it the channel that works from the first
 * instruction to the last.
 */
#include "kernel/arch.h"
#include "kernel/init.h"
#include "kernel/printk.h"

#define DEBUG_PORT 0xe9

/*
 * The whole message with one string instruction: under Xen an `outb` a
 * byte was a VM exit a byte, and each exit is a world switch of QEMU's
 * emulated SVM (tests/xen/README.md, "Where the emulated CPU goes").
 * Xen still takes it byte by byte into its "(dN)" line buffer, so the
 * log is the same.
 */
static void debugport_write(const char *s, size_t len)
{
	arch_outsb(DEBUG_PORT, s, len);
}

static struct cons_sink debugport_sink = {.name = "e9",
					  .write = debugport_write};

static int debugport_init(void)
{
	cons_register(&debugport_sink);
	return 0;
}
KINIT(KINIT_EARLY_CONSOLE, debugport_init);
