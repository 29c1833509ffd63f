# make bench: boot the Xen test host once with tests/xen/bench-scenarios
# (the netbench suite, tests/guest/bench_net.c, against Linux netback and
# dom0's traffic peer) and print the packet-rate table (tests/xen/bench.py).
# Not part of `make test`: nothing depends on the numbers.  Method and
# how to measure a Linux guest the same way: kernel/net/README.md.
.PHONY: bench

BENCH_DIR := $(O)/bench

bench: $(O)/kernel.elf
	$(Q)$(MAKE) --no-print-directory O=$(BENCH_DIR) test-xen \
		XEN_TABLE=tests/xen/bench-scenarios XEN_GUEST=$(O)/kernel.elf || \
		echo "bench: the boot reported a problem (see above)"
	$(Q)$(PYTHON) tests/xen/bench.py $(BENCH_DIR)/xen/serial.log
