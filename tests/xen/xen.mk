# Tier 3: real Xen 4.17 + Debian dom0 booted in QEMU; dom0 runs the guest
# scenarios of tests/xen/scenarios with xl.  See tests/xen/README.md.
#
#   make test-xen [SCENARIOS="mem32 vcpus2"] [XEN_LIVE=1]
#   make run-xen [XEN_CMDLINE="test=all"] [XEN_SHELL=1]
#   make iso / make test-iso [SCENARIOS=...]
#   XEN_GUEST=elf      boot this PVH kernel instead of $(O)/kernel.elf
#   XEN_EXPECT_FAILURE="[scen:]test,test ..."   runner --expect-failure
#
# The dom0 peers (PEERS) are prerequisites of the initramfs too: the top
# Makefile names them, after every fragment has added its own.
.PHONY: test-xen test-xen-boot run-xen iso test-iso xen-fetch xen-initramfs test-xen-runner

XEN_CACHE ?= $(HOME)/.cache/pvh-ktest-xen
# Which Debian Xen boots: 4.17 (bookworm) or 4.20 (trixie, its own dom0
# kernel and C library).  4.17 keeps the paths it
# always had, 4.20 has its own cache and output folders.
XEN ?= 4.17
# test-xen-all's versions (tests/xen/buggy.mk says which rows each boots):
# both by default (issue 11: the Xen versions users run); XEN=4.20 or
# XEN=4.17 on the command line picks one, as for test-xen.
XEN_VERSIONS ?= $(if $(filter command line,$(origin XEN)),$(XEN),4.17 4.20)
xen_sfx = $(if $(filter-out 4.17,$(1)),-$(1))
XEN_VCACHE := $(XEN_CACHE)$(if $(filter-out 4.17,$(XEN)),/$(XEN))
XEN_GUEST ?= $(O)/kernel.elf
XEN_DIR := $(O)/xen$(call xen_sfx,$(XEN))
XEN_TABLE := tests/xen/scenarios
XEN_INITRD := $(XEN_DIR)/dom0-initrd.gz
XEN_ISO := $(O)/ktest-xen$(call xen_sfx,$(XEN)).iso
XEN_CMDLINE ?= test=all
# Plain scenarios dom0 runs at once (ktest.jobs=; tests/xen/README.md).
XEN_JOBS ?= 1
SCENARIOS ?=
XEN_SCRIPTS := $(addprefix tests/xen/,init group.sh stuck.sh prof.sh mkinitramfs.sh rootlibs.sh mkconfigs.py \
	linux/init linux/bench.sh linux/mkguest.sh xl/vif-ktest)
PYTHON ?= python3

# '+'-joined scenario names; $(call xen_limit,NAMES) is shell text for a
# QEMU time limit that grows with them.
xen_names = $(shell $(PYTHON) tests/xen/mkconfigs.py names $(XEN_TABLE) $(SCENARIOS))
xen_limit = $$($(PYTHON) tests/xen/mkconfigs.py timeout $(XEN_TABLE) $(1))
# dom0's command line takes no commas (QEMU -initrd splits there): encode.
xen_run_arg = ktest.run_cmdline=$(shell $(PYTHON) -c 'import sys, urllib.parse; \
	print(urllib.parse.quote(sys.argv[1], safe=""))' '$(XEN_CMDLINE)')
XEN_RUNNER = $(PYTHON) tests/xen/runner.py --table $(XEN_TABLE) --timings \
	$(foreach x,$(XEN_EXPECT_FAILURE),--expect-failure $(x))

# fetch.sh is quick when everything is cached, and rewrites the versions
# file only when a package changed: that is what the initramfs depends on.
xen-fetch $(XEN_VCACHE)/versions: xen-force
	$(Q)tests/xen/fetch.sh $(XEN_CACHE) $(XEN)
.PHONY: xen-force
xen-force:

# XEN_EXTRA_GUESTS="name=elf ...": more kernels in dom0, picked by a
# scenario's guest=name (tests/xen/buggy.mk boots the BUGGY= builds so).
XEN_EXTRA_GUESTS ?=
export XEN_EXTRA_GUESTS
# The guest= kernels the chosen scenarios use (the Linux client is built
# into dom0 only when one of them wants it); rewritten only on a change.
$(XEN_DIR)/guests.want: xen-force
	@mkdir -p $(XEN_DIR)
	$(Q)g='$(shell $(PYTHON) tests/xen/mkconfigs.py guests $(XEN_TABLE) $(SCENARIOS))'; \
	echo "$$g" | cmp -s - $@ || echo "$$g" > $@

$(XEN_INITRD): $(XEN_GUEST) $(XEN_TABLE) $(XEN_SCRIPTS) $(XEN_VCACHE)/versions \
		$(XEN_DIR)/guests.want \
		$(foreach g,$(XEN_EXTRA_GUESTS),$(lastword $(subst =, ,$(g))))
	@mkdir -p $(XEN_DIR)
	@echo "  INITRD  $@"
	$(Q)XEN_WANT_GUESTS="$$(cat $(XEN_DIR)/guests.want)" \
		tests/xen/mkinitramfs.sh $(XEN_VCACHE) $@ $(XEN_GUEST) $(XEN_TABLE) $(O)/peer

xen-initramfs: $(XEN_INITRD)

# The runner's own unit tests: made-up logs, no QEMU, a fraction of a second;
# and test-xen-all's planner (lanes.py) on made-up tables.
test-xen-runner:
	$(Q)$(PYTHON) tests/xen/runner_test.py
	$(Q)$(PYTHON) tests/xen/lanes_test.py

# test-xen-boot: the boot and the verdict only, with an initramfs built
# before (test-xen-all builds each version's once, then boots it in
# several parts side by side, tests/xen/lanes.py).  XEN_PART=-2 names a
# part's serial log and JUnit file ($(XEN_DIR)/serial-2.log,
# $(O)/xen-2-junit.xml); empty for the whole table.
XEN_PART ?=
define xen_boot
	$(Q)names='$(xen_names)'; test -n "$$names" || exit 1; \
	echo "  XEN     $(XEN)$(XEN_PART): scenarios $$names"; \
	tests/xen/boot.sh -c $(XEN_VCACHE) -i $(XEN_INITRD) -s "$$names" \
		-o $(XEN_DIR)/serial$(XEN_PART).log -t $(call xen_limit,"$$names") \
		-x 'ktest.jobs=$(XEN_JOBS)' \
		$(if $(XEN_LIVE),-l) || echo "test-xen: QEMU exited with status $$?"; \
	$(XEN_RUNNER) $(XEN_DIR)/serial$(XEN_PART).log --scenarios "$$names" \
		--junit $(O)/xen$(call xen_sfx,$(XEN))$(XEN_PART)-junit.xml
endef

test-xen: test-xen-runner $(XEN_INITRD)
	$(xen_boot)

test-xen-boot:
	$(xen_boot)

# One guest with the console streamed live; the verdict table follows.
run-xen: $(XEN_INITRD)
	$(Q)tests/xen/boot.sh -c $(XEN_VCACHE) -i $(XEN_INITRD) -s run -L \
		-o $(XEN_DIR)/run.log -t $(if $(XEN_SHELL),3600 -S,$(call xen_limit,run)) \
		-x '$(xen_run_arg)' || true
	@echo
	$(Q)$(XEN_RUNNER) $(XEN_DIR)/run.log --scenarios run --quiet || true

# The ISO runs the scenarios chosen when it was built; the list is kept in a
# file so that changing SCENARIOS rebuilds it.
$(XEN_DIR)/iso.scenarios: xen-force
	@mkdir -p $(XEN_DIR)
	$(Q)echo '$(xen_names)' | cmp -s - $@ || echo '$(xen_names)' > $@

$(XEN_ISO): $(XEN_INITRD) $(XEN_DIR)/iso.scenarios tests/xen/mkiso.sh tests/xen/args.sh
	@echo "  ISO     $@"
	$(Q)tests/xen/mkiso.sh $(XEN_VCACHE) $(XEN_INITRD) "$$(cat $(XEN_DIR)/iso.scenarios)" $@

iso: $(XEN_ISO)

test-iso: $(XEN_ISO)
	$(Q)names=$$(cat $(XEN_DIR)/iso.scenarios); \
	tests/xen/boot.sh -I $(XEN_ISO) -o $(XEN_DIR)/iso-serial.log \
		-t $$(( $(call xen_limit,"$$names") + 30 )) $(if $(XEN_LIVE),-l) || \
		echo "test-iso: QEMU exited with status $$?"; \
	$(XEN_RUNNER) $(XEN_DIR)/iso-serial.log --scenarios "$$names" \
		--junit $(O)/xen$(call xen_sfx,$(XEN))-iso-junit.xml
