# In-kernel test suites that need the real kernel (not the host build).
# The test-only command-line keys (netfront.expect= and the like).
KERNEL_SRCS += tests/guest/expect.c
KERNEL_SRCS += tests/guest/arch_test.c tests/guest/boot_test.c \
	tests/guest/xen_test.c tests/guest/evtchn_reentry_test.c \
	tests/guest/xsa464_test.c tests/guest/xsa466_test.c \
	tests/guest/bench_xen.c tests/guest/msa03_test.c \
	tests/guest/xsclient_test.c
# The driver-domain scenario (issue 8, tests/guest/dd_phase.h): suite
# ddclient (the good kernel frontend, domain dd-fe) and suite hostile_fe
# (a raw hostile frontend, domain dd-hostile).  Both SKIP outside it.
# hostile_fe_ring.c (mode list, TX ring filling) is pure: host-tested.
HFE_PURE_SRCS := tests/guest/hostile_fe_ring.c
KERNEL_SRCS += tests/guest/dd_phase.c tests/guest/ddclient_test.c \
	$(HFE_PURE_SRCS) tests/guest/hostile_fe_xen.c \
	tests/guest/hostile_fe_attack.c tests/guest/hostile_fe_test.c \
	tests/guest/hostile_fe_modes_test.c
HOST_KERNEL_SRCS += $(HFE_PURE_SRCS)
HOST_TEST_SRCS += tests/host/hostile_fe_ring_test.c
