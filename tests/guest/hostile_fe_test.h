/*
 * What the two files of suite `hostile_fe` share (hostile_fe_test.c: the
 * vifs brought up and the attacks started; hostile_fe_modes_test.c: each
 * mode's verdict and the end).  They link in that order, which is the
 * order the suite's tests run in: the last one never returns.
 */
#ifndef TESTS_GUEST_HOSTILE_FE_TEST_H
#define TESTS_GUEST_HOSTILE_FE_TEST_H

#include "kernel/ktest.h"
#include "kernel/xen/xen.h"
#include "tests/guest/hostile_fe.h"

#define HFE_REACT_NS (20 * HFE_SEC)

/* Set by hostile_fe.connect, read by the later tests. */
struct hfe_suite {
	bool in_scenario; /* a data/ktest/phase key: dom0 destroys us */
	bool up;	  /* every vif connected */
	uint32_t refs_before;
	uint64_t hold_s; /* hostile_fe.hold=S, outside the scenario */
};
extern struct hfe_suite hfe_suite;

/* Grant references we hold now (gnttab_get_stats). */
uint32_t hfe_refs_granted(void);

#define NEED_MODES()                                                           \
	do {                                                                   \
		const uint8_t *m_;                                             \
		if (!xen_present())                                            \
			KT_SKIP("not running under Xen");                      \
		if (!hfe_modes(&m_))                                           \
			KT_SKIP("needs hostile_fe.modes=");                    \
	} while (0)

/* The vif of `mode`, started, or SKIP / FAIL. */
#define NEED_VIF(v, mode)                                                      \
	do {                                                                   \
		NEED_MODES();                                                  \
		(v) = hfe_find(mode);                                          \
		if (!(v))                                                      \
			KT_SKIP("mode not in hostile_fe.modes");               \
		KT_ASSERT((v)->started);                                       \
	} while (0)

#endif
