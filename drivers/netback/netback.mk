# drivers/netback: the kernel as a Xen network backend (netback.h).  The
# ring logic (tx, rx, switch) reaches Xen only through struct nb_ops, so
# the host tests build it with fake rings and grants; the handshake and
# the glue need xenstore and event channels and are kernel only.
NETBACK_CORE_SRCS := drivers/netback/netback_tx.c \
	drivers/netback/netback_rx.c drivers/netback/netback_switch.c
NETBACK_SRCS := $(NETBACK_CORE_SRCS) drivers/netback/netback_xenbus.c \
	drivers/netback/netback_vifs.c drivers/netback/netback_rings.c \
	drivers/netback/netback.c
# Suites netback and xsa300 (driver-domain part): SKIP outside the role.
NETBACK_GUEST_TESTS := tests/guest/netback_phase.c \
	tests/guest/netback_test.c tests/guest/netback_flood_test.c \
	tests/guest/netback_after_test.c

KERNEL_SRCS += $(NETBACK_SRCS) $(NETBACK_GUEST_TESTS)
HOST_KERNEL_SRCS += $(NETBACK_CORE_SRCS) drivers/netback/netback_xenbus.c
# Host only: fake frontends and suite netback_ring; suite netback_xb runs
# the handshake against the fake xenstored (xs_fake.c).
HOST_TEST_SRCS += tests/host/netback_fake.c tests/host/netback_tx_test.c \
	tests/host/netback_push_test.c \
	tests/host/netback_xb_test.c
# The ring logic runs per packet (make bench's driver domain): -O2.
HOT_SRCS += $(NETBACK_CORE_SRCS)
