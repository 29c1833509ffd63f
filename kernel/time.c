/* Time sources; see kernel/time.h. */
#include "kernel/time.h"
#include "kernel/arch.h"
#include "kernel/printk.h"

static uint64_t tsc_khz;
static const struct time_source *source;

static uint64_t tsc_to_ns(uint64_t cycles)
{
	/* Split to avoid overflow: cycles * 1e6 overflows after ~5 h. */
	return tsc_khz ? (cycles / tsc_khz) * 1000000 +
			     (cycles % tsc_khz) * 1000000 / tsc_khz
		       : 0;
}

static uint64_t tsc_now_ns(void)
{
	return tsc_to_ns(arch_cycles());
}

static const struct time_source tsc_source = {
    .name = "tsc/pit",
    .now_ns = tsc_now_ns,
    .cycles_to_ns = tsc_to_ns,
};

void time_set_source(const struct time_source *src)
{
	source = src;
}

void time_init(void)
{
	if (source)
		return;
	tsc_khz = arch_tsc_khz_from_pit();
	if (!tsc_khz) {
		pr_warn("time: no PIT to calibrate the TSC; no clock\n");
		return;
	}
	pr_info("time: TSC %lu kHz (PIT calibration)\n", tsc_khz);
	source = &tsc_source;
}

uint64_t time_now_ns(void)
{
	return source ? source->now_ns() : 0;
}

uint64_t time_since_boot_ns(void)
{
	if (!source)
		return 0;
	return source->now_ns() - source->cycles_to_ns(arch_boot_cycles());
}

const char *time_source_name(void)
{
	return source ? source->name : "no clock";
}
