# The driver-domain groups (issue 8, tests/xen/dd-scenarios: our kernel as
# netback for our netfront and a hostile frontend, each group with its
# BUGGY twins) in a boot of their own, which make test runs after
# test-xen-all (make run boots the same groups: tests/xen/run.mk).  Its
# own boot because QEMU runs it with one TCG thread for
# both emulated CPUs (XEN_TCG_THREAD=single, tests/xen/boot.sh): with one
# thread per CPU, busy domains triple-faulted on this host now and then
# (QEMU 7.2's emulated SVM put Xen's own host state into a guest's VMCB;
# tests/xen/dd-scenarios' header), which CI cannot afford; one thread costs
# the other rows time they need not spend, so only these rows pay it.
#
#   make test-xen-dd [DD_SCENARIOS="dd3"]
.PHONY: test-xen-dd

DD_TABLE := tests/xen/dd-scenarios
# The groups make test and make run boot this way.
DD_GROUPS := dd3 dd3-xsa300-off dd3-xsa155nb-off
DD_SCENARIOS ?= $(DD_GROUPS)
# dom0's one vCPU pinned to CPU 0: dom0's processes died by a signal in
# bursts while the groups ran (the orchestrator's shell, xl); one
# suspect is dom0 moving between the emulated CPUs.
DD_XEN_ARGS ?= dom0_vcpus_pin
# The BUGGY= kernels those rows boot (guest=RULE).
DD_RULES := xsa300 xsa155-nb

test-xen-dd: $(KERNEL) $(foreach r,$(DD_RULES),$(BUGGY_DIR)/$(r)/kernel.elf)
	$(Q)XEN_TCG_THREAD=single XEN_EXTRA_ARGS="$(DD_XEN_ARGS)" \
		$(MAKE) --no-print-directory O=$(O)/dd \
		test-xen XEN_TABLE=$(DD_TABLE) XEN_GUEST=$(abspath $(KERNEL)) \
		SCENARIOS="$(DD_SCENARIOS)" \
		XEN_EXTRA_GUESTS="$(foreach r,$(DD_RULES),$(r)=$(abspath $(BUGGY_DIR)/$(r)/kernel.elf))"
