# kernel/xen grant tables: sharing, quarantine, mapping with quotas, copy.
# The table core, the quarantine, the quota accounting and the status table
# take their Xen access by injection, so the host tests build them too.
GNTTAB_CORE_SRCS := kernel/xen/gnttab/gnttab_core.c \
	kernel/xen/gnttab/gnttab_quarantine.c kernel/xen/gnttab/gnttab_quota.c \
	kernel/xen/gnttab/gnttab_status.c
GNTTAB_SRCS := $(GNTTAB_CORE_SRCS) kernel/xen/gnttab/gnttab.c \
	kernel/xen/gnttab/gnttab_map.c kernel/xen/gnttab/gnttab_copy.c
# Suites gnttab, msa02, xsa300 and bench (need Xen; SKIP without it).
GNTTAB_GUEST_TESTS := tests/guest/gnttab_test.c tests/guest/msa02_test.c \
	tests/guest/xsa300_test.c tests/guest/xsa396_test.c \
	tests/guest/bench_gnttab.c \
	tests/guest/gnttab_selfmap.c

KERNEL_SRCS += $(GNTTAB_SRCS) $(GNTTAB_GUEST_TESTS)
HOST_KERNEL_SRCS += $(GNTTAB_CORE_SRCS)
HOST_TEST_SRCS += tests/host/gnttab_core_test.c \
	tests/host/gnttab_quarantine_test.c tests/host/gnttab_quota_test.c \
	tests/host/gnttab_status_test.c tests/host/gnttab_stress.c \
	tests/host/fake_gnttab.c tests/host/gnttab_map_test.c
# Granting and ending access per packet, the copy path: -O2, not -Os.
HOT_SRCS += kernel/xen/gnttab/gnttab_core.c kernel/xen/gnttab/gnttab_copy.c
