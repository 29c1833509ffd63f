/* Runs the drivers' start-up hooks stage by stage; see kernel/init.h. */
#include "kernel/init.h"
#include "kernel/printk.h"

extern const struct kinit __start_kinit[], __stop_kinit[];

void kinit_run(enum kinit_stage stage)
{
	for (const struct kinit *k = __start_kinit; k < __stop_kinit; k++) {
		int rc;

		if (k->stage != stage)
			continue;
		rc = k->fn();
		if (rc)
			pr_debug("init: %s: %d\n", k->name, rc);
	}
}
