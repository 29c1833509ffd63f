KERNEL_SRCS += kernel/main.c kernel/printk.c kernel/panic.c kernel/power.c \
	kernel/ktest.c kernel/cmdline.c kernel/bootinfo.c kernel/kinit.c \
	kernel/time.c
# Kernel sources that also build into the host unit tests.
HOST_KERNEL_SRCS += kernel/printk.c kernel/ktest.c kernel/cmdline.c

include kernel/mm/mm.mk

KERNEL_SRCS += kernel/timer.c

# Include order is link order, and so the order the tests run in.
include kernel/xen/xen.mk
include kernel/xen/gnttab/gnttab.mk
include kernel/xen/xenstore/xenstore.mk
include kernel/net/net.mk
