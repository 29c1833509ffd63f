/*
 * Typed hypercall wrappers.  Arguments are the Xen public header structs;
 * results are Xen's errno values, negative, passed through unchanged.
 */
#ifndef KERNEL_XEN_HYPERCALL_H
#define KERNEL_XEN_HYPERCALL_H

#include "lib/compiler.h"
#include <xen/xen.h>

int xen_sched_op(int cmd, void *arg);
int xen_memory_op(int cmd, void *arg);
int xen_hvm_op(int cmd, void *arg);
int xen_event_channel_op(int cmd, void *arg);
int xen_grant_table_op(int cmd, void *uop, unsigned int count);
int xen_vcpu_op(int cmd, unsigned int vcpu, void *arg);
long xen_version_op(int cmd, void *arg);
/* A hypercall number Xen does not know: for the -ENOSYS test only. */
long xen_raw_hypercall(unsigned int op, unsigned long a1, unsigned long a2);

/* Hypercalls made through these wrappers since boot. */
uint64_t xen_hypercall_count(void);

int xen_hvm_get_param(uint32_t index, uint64_t *value);
int xen_hvm_set_param(uint32_t index, uint64_t value);

#endif
