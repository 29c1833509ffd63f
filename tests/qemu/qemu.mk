# Tier 2: the kernel booted by QEMU's PVH loader, no Xen.  Xen-only tests
# SKIP here; they run in tier 3 (tests/xen/).
.PHONY: test-qemu run-qemu

test-qemu: $(KERNEL) $(KERNEL_PROD)
	$(Q)tests/qemu/check.sh $(KERNEL) $(O)/qemu-all.log SUCCESS "test=all"
	$(Q)tests/qemu/check.sh $(KERNEL) $(O)/qemu-badcmd.log ERROR \
		"test=lib,nosuchsuite bogus=1 test.skip=lib.nosuchtest test.stop_after=lib.nostop" \
		"unknown key 'bogus'" "unknown test suite 'nosuchsuite'" \
		"unknown test 'lib.nosuchtest' in test.skip=" \
		"unknown test 'lib.nostop' in test.stop_after="
	$(Q)tests/qemu/check.sh $(KERNEL) $(O)/qemu-skip.log SUCCESS \
		"test=lib test.skip=lib.memset_alignments,lib.memcpy_alignments" \
		"^ok [0-9]* lib.memcpy_alignments # SKIP test.skip=" \
		"^ok [0-9]* lib.memset_alignments # SKIP test.skip=" \
		"^ok [0-9]* lib.memmove_overlap$$"
	$(Q)tests/qemu/check.sh $(KERNEL) $(O)/qemu-stop.log SUCCESS \
		"test=lib test.stop_after=lib.memset_alignments,lib.memcpy_alignments" \
		"^ok [0-9]* lib.memcpy_alignments$$" "^ok [0-9]* lib.memmove_overlap$$" \
		"^ok [0-9]* lib.memset_alignments$$" \
		"^ok [0-9]* lib.memcmp_memchr # SKIP test.stop_after= (stopped: its tests have run)"
	$(Q)tests/qemu/check.sh $(KERNEL) $(O)/qemu-none.log SKIP "test=none"
	@# The production image (top Makefile): boots to its verdict, and has
	@# no suite at all, so the size make prints for it is without tests.
	$(Q)tests/qemu/check.sh $(KERNEL_PROD) $(O)/qemu-prod.log SKIP \
		"test=all" "^1\.\.0$$" "^0 passed, 0 failed, 0 skipped$$"

# Boot in plain QEMU and stream the console (no Xen needed).
run-qemu: $(KERNEL)
	$(Q)STREAM=1 tests/qemu/run.sh $(KERNEL) /dev/null "test=$(or $(TESTS),all)" || true
