# kernel/xen: the Xen platform (xen.h): hypercalls, shared info and the
# reserved frame window, event channels (evtchn.h), the pvclock
# (pvclock.h).  The grant tables and the xenstore client have folders of
# their own (gnttab/, xenstore/).
KERNEL_SRCS += kernel/xen/hypercall.c kernel/xen/platform.c \
	kernel/xen/bringup.c kernel/xen/window.c kernel/xen/evtchn.c \
	kernel/xen/evtchn_ops.c kernel/xen/pvclock.c
# window.c is compiled into its test, with a fake interrupt at its core.
HOST_TEST_SRCS += tests/host/window_test.c
# Every event's upcall and notify: -O2, not -Os.
HOT_SRCS += kernel/xen/evtchn.c kernel/xen/evtchn_ops.c
