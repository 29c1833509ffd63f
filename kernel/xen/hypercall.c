/*
 * Typed wrappers over arch_hypercall().  Keeping the casts here means no
 * other file passes an untyped pointer to the hypervisor.
 */
#include "kernel/xen/hypercall.h"
#include "kernel/arch.h"
#include <xen/hvm/hvm_op.h>

/* Every hypercall the wrappers make, for per-packet costs (make bench). */
static uint64_t hypercalls;

#define HC(op, a1, a2, a3)                                                     \
	(__atomic_add_fetch(&hypercalls, 1, __ATOMIC_RELAXED),                 \
	 arch_hypercall(op, (unsigned long)(a1), (unsigned long)(a2),          \
			(unsigned long)(a3), 0, 0))

uint64_t xen_hypercall_count(void)
{
	return __atomic_load_n(&hypercalls, __ATOMIC_RELAXED);
}

int xen_sched_op(int cmd, void *arg)
{
	return (int)HC(__HYPERVISOR_sched_op, cmd, arg, 0);
}

int xen_memory_op(int cmd, void *arg)
{
	return (int)HC(__HYPERVISOR_memory_op, cmd, arg, 0);
}

int xen_hvm_op(int cmd, void *arg)
{
	return (int)HC(__HYPERVISOR_hvm_op, cmd, arg, 0);
}

int xen_event_channel_op(int cmd, void *arg)
{
	return (int)HC(__HYPERVISOR_event_channel_op, cmd, arg, 0);
}

int xen_grant_table_op(int cmd, void *uop, unsigned int count)
{
	return (int)HC(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

int xen_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return (int)HC(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

long xen_version_op(int cmd, void *arg)
{
	return HC(__HYPERVISOR_xen_version, cmd, arg, 0);
}

long xen_raw_hypercall(unsigned int op, unsigned long a1, unsigned long a2)
{
	return HC(op, a1, a2, 0);
}

int xen_hvm_get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
	int rc = xen_hvm_op(HVMOP_get_param, &p);

	if (!rc)
		*value = p.value;
	return rc;
}

int xen_hvm_set_param(uint32_t index, uint64_t value)
{
	struct xen_hvm_param p = {
	    .domid = DOMID_SELF, .index = index, .value = value};

	return xen_hvm_op(HVMOP_set_param, &p);
}
