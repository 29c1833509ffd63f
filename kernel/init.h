/*
 * Start-up hooks.  kernel/ cannot call drivers/ (dependencies point one
 * way), so drivers register their init functions here, by stage, and the
 * kernel runs each stage when its prerequisites are up.
 */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

#include "lib/compiler.h"

enum kinit_stage {
	KINIT_EARLY_CONSOLE, /* port I/O only: UART, debug port */
	KINIT_XEN_CONSOLE,   /* after event channels: PV console */
	KINIT_DEVICES,	     /* after xenstore and grants: netfront, ... */
};

struct kinit {
	enum kinit_stage stage;
	const char *name;
	int (*fn)(void); /* 0, or -errno: logged, boot goes on */
};

#define KINIT(stage, fn)                                                       \
	static const struct kinit kinit_##fn __used __no_reorder __section(    \
	    "kinit") __aligned(8) = {stage, #fn, fn}

void kinit_run(enum kinit_stage stage);

#endif
