# drivers/netfront: the Xen network frontend (drivers/netfront.h).
# The ring logic (ids, core, tx, rx) reaches Xen only through struct
# netfront_ops, so the host tests build it too, with a fake backend
# playing correct and hostile netback on rings in plain memory.
NETFRONT_CORE_SRCS := drivers/netfront_ids.c drivers/netfront_core.c \
	drivers/netfront_tx.c drivers/netfront_rx.c
NETFRONT_SRCS := $(NETFRONT_CORE_SRCS) drivers/netfront_xenbus.c \
	drivers/netfront.c
# Suites msa00, msa01, netfront (need a vif or hostile-netback; SKIP
# otherwise).  Link order is run order: the advisory suites first, and
# netfront last because its last test tears the device down.
NETFRONT_GUEST_TESTS := tests/guest/msa00_test.c tests/guest/msa01_test.c \
	tests/guest/netfront_test.c

KERNEL_SRCS += $(NETFRONT_SRCS) $(NETFRONT_GUEST_TESTS)
HOST_KERNEL_SRCS += $(NETFRONT_CORE_SRCS)
HOST_TEST_SRCS += tests/host/netfront_fake.c tests/host/netfront_tx_test.c \
	tests/host/netfront_rx_test.c
