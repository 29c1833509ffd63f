# make run (on a machine that is not a Xen dom0): one boot of the Xen test
# host runs every advisory's scenarios (advisories/*.md, scenarios:) on the
# normal kernel and its switched-off rows (buggy:) on the BUGGY= kernels,
# in one boot; tests/xen/report.py judges them together.
#
#   make run-advisories [RUN_JOBS=N] [ADVISORIES="MSA00 XSA-300"]
#
# The terminal gets the guests' console lines and the progress per
# advisory; the whole serial log and its parts (Xen and dom0's boot, Xen's
# lines, the guests' 0xE9 copies) are files under $(RUN_DIR), named at the
# end with $(O)/report.md and $(O)/run-junit.xml.
.PHONY: run-advisories run-build test-report

# report.py's verdicts on made-up logs and make run's lanes (cut by make
# test's planner, lanes.py) on a made-up table, with the runner's own
# unit tests.
test-report:
	$(Q)$(PYTHON) tests/xen/report_test.py >/dev/null || $(PYTHON) tests/xen/report_test.py
	$(Q)$(PYTHON) tests/xen/run_rows_test.py 2>/dev/null || $(PYTHON) tests/xen/run_rows_test.py
test-xen-runner: test-report

RUN_DIR := $(O)/run
# One table of all the rows it may boot: the two default tables and the
# others the advisories name (tools/advisories.py tables; check-layering
# keeps their names apart); each BUGGY row stops once its expected
# failures have all run (report.py table: test.stop_after=).
RUN_TABLE := $(RUN_DIR)/scenarios
$(RUN_TABLE): $(shell $(PYTHON) tools/advisories.py tables) tests/xen/report.py tests/xen/run_rows.py
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) tests/xen/report.py table $(filter-out %.py,$^) > $@
# Scenarios at once in dom0 (ktest.jobs=): 1, since side-by-side guests
# have corrupted dom0's memory here (tests/xen/README.md).
RUN_JOBS ?= 1
# The BUGGY= rules the advisories name (each in BUGGY_RULES: check-layering).
# ADVISORIES="MSA00 XSA-300": only those ($(shell) sees no make variable).
ADVISORIES ?=
export ADVISORIES
run_adv = ADVISORIES='$(ADVISORIES)' $(PYTHON) tools/advisories.py
run_rules = $(shell $(run_adv) switches)
run_names = $(shell $(run_adv) rows) $(shell $(run_adv) rows --buggy)
# The driver-domain groups (tests/xen/dd-scenarios) need one TCG thread
# and dom0 pinned (tests/xen/dd.mk).  RUN_LANES=2: they join the lanes, on
# the second boot (one thread), which then gets DD_XEN_ARGS; RUN_LANES=1:
# they boot apart, after the others, as make test-xen-dd boots them.
# The four-domain groups (DD_MULTI_GROUPS: the Linux client) need a host
# thread per emulated CPU and dom0 pinned: a multi-thread boot of their
# own after the lanes, alone on the machine as in make test (beside a
# lane, untried).  report.py final judges all boots' lines together.
run_dd = $(filter $(DD_GROUPS),$(run_names))
run_ddm = $(filter $(DD_MULTI_GROUPS),$(run_names))
run_main = $(filter-out $(DD_GROUPS) $(DD_MULTI_GROUPS),$(run_names))
run_dd_apart = $(if $(filter 2,$(RUN_LANES)),,$(run_dd))

# Everything make run boots, built quietly (make run-build alone builds it
# without booting, e.g. before taking the Xen test host's lock).
run-build:
	$(Q)mkdir -p $(RUN_DIR); blog=$(RUN_DIR)/build.log; \
	echo "== building the kernel, the BUGGY= kernels ($(words $(run_rules))) and dom0's initramfs (log: $$blog)"; \
	t=$$(date +%s); lap() { n=$$(date +%s); times="$$times $$1 $$((n - t)) s,"; t=$$n; }; \
	{ $(MAKE) -j2 --no-print-directory $(KERNEL) $(RUN_TABLE) && lap kernel && \
	$(MAKE) -j2 --no-print-directory $(foreach r,$(run_rules),$(BUGGY_DIR)/$(r)/kernel.elf) && \
	lap "BUGGY kernels" && \
	$(MAKE) -j2 --no-print-directory O=$(RUN_DIR) XEN_TABLE=$(abspath $(RUN_TABLE)) \
		XEN_GUEST=$(abspath $(KERNEL)) SCENARIOS="$(strip $(run_names))" \
		XEN_EXTRA_GUESTS="$(foreach r,$(run_rules),$(r)=$(abspath $(BUGGY_DIR)/$(r)/kernel.elf))" \
		$(RUN_DIR)/xen/dom0-initrd.gz && lap "dom0's initramfs (peers, Xen packages)"; \
	} >$$blog 2>&1 || { tail -20 $$blog; exit 1; }; \
	echo "== build:$${times%,}"

# Boots of the test host side by side, each with its share of the rows
# (report.py lanes: cut by make test's planner, tests/xen/lanes.py, from
# the last run's seconds, else tests/xen/run-seconds).  2: two QEMUs,
# the first with a host thread per emulated CPU, the second with one
# (SPEED, 18:46: two one-thread QEMUs ran 22 rows in 221 s against 388 s
# for one QEMU; two multi-thread ones were slower than one after the
# other); 1: one boot, as before.
RUN_LANES ?= 2
# Rows whose dom0 peer storms events: the storm and the guest's handler
# must run at once, which one TCG thread does not do (nf-mixed-storm's
# port was never backed off there), so they go to the first boot.
RUN_PINNED ?= nf-hostile nf-mixed-storm xsa391-mixed xsa391-storm
# Rows that must go to the second boot (one TCG thread).
RUN_SINGLE ?=

# One recipe from the first build to the last line, so the wall time it
# reports is the whole of it.
run-advisories: setup
	$(Q)t0=$$(date +%s); \
	$(MAKE) --no-print-directory run-build || exit 1; \
	echo "== built in $$(( $$(date +%s) - t0 )) s"; \
	rm -f $(RUN_DIR)/serial-*.log* $(RUN_DIR)/qemu*.log; \
	if [ "$(RUN_LANES)" = 2 ]; then \
		$(PYTHON) tests/xen/report.py lanes $(RUN_TABLE) $(RUN_DIR)/serial.log \
			'$(RUN_PINNED)' '$(RUN_SINGLE) $(run_dd)' $(filter-out $(run_ddm),$(run_names)) \
			> $(RUN_DIR)/lanes || exit 1; \
	else \
		names=$$($(PYTHON) tests/xen/report.py order $(RUN_TABLE) $(RUN_DIR)/serial.log \
			$(run_main)) || exit 1; \
		echo "multi $$(echo $$names | tr ' ' '+')" > $(RUN_DIR)/lanes; \
	fi; \
	i=0; while read thread plus; do \
		i=$$((i + 1)); [ -n "$$plus" ] || continue; \
		dd=; case "$$thread+$$plus+" in single+*) for g in $(run_dd); do \
			case "+$$plus+" in *"+$$g+"*) dd='$(DD_XEN_ARGS)' ;; esac; done ;; esac; \
		{ XEN_TCG_THREAD=$$thread XEN_EXTRA_ARGS="$$dd" tests/xen/boot.sh -c $(XEN_VCACHE) \
			-i $(RUN_DIR)/xen/dom0-initrd.gz -s "$$plus" -o $(RUN_DIR)/serial-$$i.log -l \
			-x 'ktest.jobs=$(RUN_JOBS)' -t $$($(PYTHON) tests/xen/mkconfigs.py timeout \
				$(RUN_TABLE) $$(echo $$plus | tr + ' ')) 2>$(RUN_DIR)/qemu-$$i.log | \
		$(PYTHON) tests/xen/report.py live $(RUN_DIR)/serial-$$i.log $(RUN_TABLE) \
			"$$([ "$(RUN_LANES)" = 2 ] && echo "boot $$i ($$thread)")"; } & \
	done < $(RUN_DIR)/lanes; wait; \
	cat $(RUN_DIR)/serial-[0-9].log > $(RUN_DIR)/serial.log 2>/dev/null; \
	for b in 'single dd $(strip $(run_dd_apart))' 'multi ddm $(strip $(run_ddm))'; do \
		set -- $$b; thread=$$1 tag=$$2; shift 2; [ $$# -gt 0 ] || continue; \
		echo "== the driver-domain groups $$*: a $$thread-thread boot of their own (tests/xen/dd.mk)"; \
		XEN_TCG_THREAD=$$thread XEN_EXTRA_ARGS="$(DD_XEN_ARGS)" tests/xen/boot.sh \
			-c $(XEN_VCACHE) -i $(RUN_DIR)/xen/dom0-initrd.gz -s "$$(echo $$* | tr ' ' '+')" \
			-o $(RUN_DIR)/serial-$$tag.log -l -x 'ktest.jobs=1' \
			-t $$($(PYTHON) tests/xen/mkconfigs.py timeout $(RUN_TABLE) $$*) \
			2>$(RUN_DIR)/qemu-$$tag.log | \
			$(PYTHON) tests/xen/report.py live $(RUN_DIR)/serial-$$tag.log $(RUN_TABLE) \
				"driver domain ($$thread)"; \
		cat $(RUN_DIR)/serial-$$tag.log >> $(RUN_DIR)/serial.log; \
	done; \
	$(PYTHON) tests/xen/report.py final $(RUN_DIR)/serial.log $(RUN_TABLE) \
		--junit $(O)/run-junit.xml --md $(O)/report.md --t0 $$t0
