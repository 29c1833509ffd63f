# The advisory tests must fail when their rule is switched off.  Each rule
# gets its own kernel built with BUGGY=<rule> (-DKTEST_BUGGY_<RULE>=1
# re-introduces the old bug); one boot of the Xen test host runs them all
# from tests/xen/buggy-scenarios, whose xfail= lists the tests that must
# FAIL, and the runner fails the target if any of them passes.
.PHONY: test-buggy

BUGGY_RULES := msa00 msa01 msa02 xsa300
BUGGY_DIR := $(O)/buggy

test-buggy: $(KERNEL)
	$(Q)for r in $(BUGGY_RULES); do \
		$(MAKE) --no-print-directory O=$(BUGGY_DIR)/$$r BUGGY=$$r \
			$(BUGGY_DIR)/$$r/kernel.elf || exit 1; \
	done
	$(Q)$(MAKE) --no-print-directory O=$(BUGGY_DIR)/host test-xen \
		XEN_TABLE=tests/xen/buggy-scenarios XEN_GUEST=$(KERNEL) \
		XEN_EXTRA_GUESTS="$(foreach r,$(BUGGY_RULES),$(r)=$(abspath $(BUGGY_DIR)/$(r)/kernel.elf))"
