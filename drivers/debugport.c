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

static void debugport_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		arch_outb(DEBUG_PORT, (uint8_t)s[i]);
}

static struct cons_sink debugport_sink = {.name = "e9",
					  .write = debugport_write};

static int debugport_init(void)
{
	cons_register(&debugport_sink);
	return 0;
}
KINIT(KINIT_EARLY_CONSOLE, debugport_init);
