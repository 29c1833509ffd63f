# The driver-domain groups (issue 8, tests/xen/dd-scenarios: our kernel as
# netback for the Linux client, our netfront and a hostile frontend, each
# group with its BUGGY twins) in two boots of their own, both with dom0's
# vCPU pinned (make test boots both in test-xen-all's lanes: the first
# kind as a pinned boot, XEN_LANES_DD in tests/xen/buggy.mk, the second in
# 4.17's multi-thread boot, XEN_LANES_DDM; make run: tests/xen/run.mk):
# - the three-domain groups (no Linux client) with one TCG thread for both
#   emulated CPUs (XEN_TCG_THREAD=single, tests/xen/boot.sh): before the
#   idle-hlt fix (arch.wakeup_before_hlt_not_slept), with one thread per
#   CPU busy domains triple-faulted on this host now and then (the guest's
#   VMCB held Xen's own host state; tests/xen/dd-scenarios' header);
# - the four-domain groups with the Linux client, with a host thread per
#   emulated CPU, where the Linux PVH client does not crash (below).
#
#   make test-xen-dd [DD_SCENARIOS="dd3"] [DD_MULTI_SCENARIOS="dd"]
.PHONY: test-xen-dd

DD_TABLE := tests/xen/dd-scenarios
# The groups make test and make run boot with one TCG thread.
DD_GROUPS := dd3 dd3-xsa300-off dd3-xsa155nb-off
# The four-domain groups (issue 8's scenario: the Linux client dd-linux
# beside our dd-fe and the hostile) boot with a host thread per emulated
# CPU: with one thread for both the Linux PVH client crashed now and then
# ("ENTRY_TRAMPOLINE stack guard page was hit", a #PF inside its #PF
# entry), with two and dom0 pinned it passed every time (DD-NOTES).
DD_MULTI_GROUPS := dd dd-xsa300-off
DD_SCENARIOS ?= $(DD_GROUPS)
DD_MULTI_SCENARIOS ?= $(DD_MULTI_GROUPS)
# dom0's one vCPU pinned to CPU 0: dom0's processes died by a signal in
# bursts while the groups ran (the orchestrator's shell, xl); one
# suspect is dom0 moving between the emulated CPUs.
DD_XEN_ARGS ?= dom0_vcpus_pin
# The BUGGY= kernels those rows boot (guest=RULE).
DD_RULES := xsa300 xsa155-nb

# $(call dd_boot,TCG THREAD,BUILD DIR,SCENARIOS): one boot of those groups.
dd_boot = XEN_TCG_THREAD=$(1) XEN_EXTRA_ARGS="$(DD_XEN_ARGS)" \
	$(MAKE) --no-print-directory O=$(2) \
	test-xen XEN_TABLE=$(DD_TABLE) XEN_GUEST=$(abspath $(KERNEL)) \
	SCENARIOS="$(3)" \
	XEN_EXTRA_GUESTS="$(foreach r,$(DD_RULES),$(r)=$(abspath $(BUGGY_DIR)/$(r)/kernel.elf))"

# Both boots, one after the other (they would share the two host cores);
# the second runs even when the first failed, so one run shows both.
# The multi-thread boot is booted once more, and only that boot judged,
# when the first failed with a guest dumped in Xen's own state
# (tests/xen/hostfault.sh: QEMU's SVM emulation, seen 3 times in 4 boots
# on 2026-12-02 11:40-12:00 UTC); a second such boot fails.
test-xen-dd: $(KERNEL) $(foreach r,$(DD_RULES),$(BUGGY_DIR)/$(r)/kernel.elf)
	$(Q)rc=0; \
	$(if $(strip $(DD_SCENARIOS)),$(call dd_boot,single,$(O)/dd,$(strip $(DD_SCENARIOS))) || rc=1;) \
	$(if $(strip $(DD_MULTI_SCENARIOS)),$(call dd_boot,multi,$(O)/ddm,$(strip $(DD_MULTI_SCENARIOS))) || \
	    { tests/xen/hostfault.sh $(O)/ddm/xen/serial.log && \
	      mv -f $(O)/ddm/xen/serial.log $(O)/ddm/xen/serial-hostfault.log && \
	      echo "test-xen-dd: a guest was dumped in the state of Xen itself (cs e008: tests/xen/hostfault.sh) - the fault of QEMU and no verdict - log $(O)/ddm/xen/serial-hostfault.log - booting the groups once more" && \
	      $(call dd_boot,multi,$(O)/ddm,$(strip $(DD_MULTI_SCENARIOS))); } || rc=1;) \
	exit $$rc
