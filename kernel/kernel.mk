KERNEL_SRCS += kernel/main.c kernel/printk.c kernel/panic.c kernel/power.c \
	kernel/ktest.c kernel/cmdline.c kernel/bootinfo.c kernel/kinit.c \
	kernel/time.c
# Kernel sources that also build into the host unit tests.
HOST_KERNEL_SRCS += kernel/printk.c kernel/ktest.c kernel/cmdline.c

include kernel/mm/mm.mk

KERNEL_SRCS += kernel/timer.c kernel/xen/hypercall.c kernel/xen/platform.c \
	kernel/xen/bringup.c kernel/xen/window.c kernel/xen/evtchn.c \
	kernel/xen/evtchn_ops.c kernel/xen/pvclock.c
# window.c is compiled into its test, with a fake interrupt at its core.
HOST_TEST_SRCS += tests/host/window_test.c
include kernel/xen/gnttab/gnttab.mk
include kernel/xen/xenstore/xenstore.mk
include kernel/net/net.mk
