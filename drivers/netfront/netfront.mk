# drivers/netfront: the Xen network frontend (drivers/netfront/netfront.h).
# The ring logic (ids, core, tx, rx, rings) reaches Xen only through struct
# netfront_ops, and the handshake (xenbus) only through the xenstore
# client, so the host tests build both: a fake backend plays correct and
# hostile netback on rings in plain memory, the fake xenstored its nodes.
NETFRONT_CORE_SRCS := drivers/netfront/netfront_ids.c \
	drivers/netfront/netfront_core.c drivers/netfront/netfront_tx.c \
	drivers/netfront/netfront_rx.c drivers/netfront/netfront_rings.c
NETFRONT_SRCS := $(NETFRONT_CORE_SRCS) drivers/netfront/netfront_xenbus.c \
	drivers/netfront/netfront.c
# Suites msa00, msa01, netfront (need a vif or hostile-netback; SKIP
# otherwise).  Link order is run order: the advisory suites first, and
# netfront last, its teardown part at the very end.
NETFRONT_GUEST_TESTS := tests/guest/msa00_test.c tests/guest/msa01_test.c \
	tests/guest/xsa155_test.c tests/guest/xsa403_test.c \
	tests/guest/xsa405_test.c \
	tests/guest/netfront_test.c tests/guest/netfront_mode.c \
	tests/guest/netfront_hostile_test.c \
	tests/guest/netfront_drain_test.c tests/guest/netfront_storm_test.c \
	tests/guest/netfront_cycles_test.c tests/guest/netfront_vanish_test.c \
	tests/guest/netfront_teardown_test.c

KERNEL_SRCS += $(NETFRONT_SRCS) $(NETFRONT_GUEST_TESTS)
HOST_KERNEL_SRCS += $(NETFRONT_CORE_SRCS) drivers/netfront/netfront_xenbus.c
# Host only: the fake netback and suites netfront_tx, netfront_rx; suite
# netfront_xb runs the handshake against the fake xenstored (xs_fake.c).
HOST_TEST_SRCS += tests/host/netfront_fake.c tests/host/netfront_tx_test.c \
	tests/host/netfront_rx_test.c tests/host/netfront_xb_test.c
# The ring logic runs per packet: -O2, not -Os (the handshake is -Os).
HOT_SRCS += $(NETFRONT_CORE_SRCS)
