# kernel/xen: the xenstore client and the xenbus helpers.
# Everything but the Xen glue (xs_client.c) is plain code over a ring page
# in memory and an injected transport, so it also builds into the host
# tests and the fuzz harness (tests/fuzz/fuzz.mk).
XS_SRCS := kernel/xen/xenstore/xs_ring.c kernel/xen/xenstore/xs_proto.c \
	kernel/xen/xenstore/xs_conn.c kernel/xen/xenstore/xs_watch.c \
	kernel/xen/xenstore/xs_ops.c kernel/xen/xenstore/xenbus.c

KERNEL_SRCS += $(XS_SRCS) kernel/xen/xenstore/xs_client.c \
	tests/guest/xenstore_test.c
HOST_KERNEL_SRCS += $(XS_SRCS)
# The fuzz harness (tests/fuzz/fuzz.mk) drives the same code.
FUZZ_XS_SRCS += $(XS_SRCS)
# Host only: a fake xenstored over an in-memory ring; suites xs_host,
# xs_xenbus and xs_hostile (the last plays a lying xenstored).
HOST_TEST_SRCS += tests/host/xs_fake.c tests/host/xs_fake_ring.c \
	tests/host/xs_host.c tests/host/xs_host_watch.c tests/host/xs_xenbus.c \
	tests/host/xs_hostile.c tests/host/xs_hostile_conn.c
