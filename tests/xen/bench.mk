# make bench: boot the Xen test host once with tests/xen/bench-scenarios
# and print the side-by-side table (tests/xen/bench.py): our kernel and the
# Linux client domU driven by the same dom0 programs in the same boot, the
# boot times beside the toolstack floor (tests/xen/floor/), and issue 8's
# driver-domain rates.  Not part of `make test`: nothing depends on the
# numbers.  Method: kernel/net/README.md ("Benchmark").
#   make bench BENCH_SCENARIOS="netbench netbench-linux"   only those rows
#   make bench BENCH_BASE=old/kernel.elf   also that kernel's netfront (rows
#       netbench-base*, guest=base) and driver domain (ddbench-base,
#       ddflood-base): before and after in one boot
.PHONY: bench

BENCH_DIR := $(O)/bench
FLOOR := $(O)/floor.elf
FLOOR_BIG := $(O)/floor-big.elf
BENCH_SCENARIOS ?=
BENCH_BASE ?=
# Without BENCH_BASE the rows that boot it are left out.
bench_all = $(subst +, ,$(shell $(PYTHON) tests/xen/mkconfigs.py names \
	tests/xen/bench-scenarios))
bench_base_rows = $(filter netbench-base% ddbench-base% ddflood-base% \
	ddswitch-base%, $(bench_all))
bench_rows = $(or $(BENCH_SCENARIOS),$(if $(BENCH_BASE),$(bench_all), \
	$(filter-out $(bench_base_rows),$(bench_all))))
bench_guests = floor=$(abspath $(FLOOR)) floorbig=$(abspath $(FLOOR_BIG)) \
	$(if $(BENCH_BASE),base=$(abspath $(BENCH_BASE))) $(XEN_EXTRA_GUESTS)

# The floor is a 32-bit program of its own (see floor.c): not KCFLAGS.
FLOOR_CC = $(CC) -m32 -std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding \
	-nostdinc -isystem $(GCC_INC) -I$(O)/include -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-D__XEN_INTERFACE_VERSION__=0x00040e00 -nostdlib -static \
	-Wl,-T,tests/xen/floor/floor.ld -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments
$(FLOOR): tests/xen/floor/floor.c tests/xen/floor/floor.ld | $(O)/include/xen
	@echo "  CC      $@"
	$(Q)$(FLOOR_CC) -o $@ $<

# The same floor padded to our kernel's image size (file bytes: text +
# data; zeroed: bss), rows boot-bigN: what the size alone costs.
$(FLOOR_BIG): tests/xen/floor/floor.c tests/xen/floor/floor.ld $(O)/kernel.elf \
		| $(O)/include/xen
	@echo "  CC      $@"
	$(Q)set -- $$(size $(O)/kernel.elf | awk 'NR == 2 { print $$1 + $$2, $$3 }'); \
	$(FLOOR_CC) -DFLOOR_PAD_FILE=$$1 -DFLOOR_PAD_BSS=$$2 -o $@ $<

bench: $(O)/kernel.elf $(FLOOR) $(FLOOR_BIG)
	$(Q)$(MAKE) --no-print-directory O=$(BENCH_DIR) test-xen \
		XEN_TABLE=tests/xen/bench-scenarios XEN_GUEST=$(O)/kernel.elf \
		SCENARIOS="$(bench_rows)" XEN_EXTRA_GUESTS="$(bench_guests)" || \
		echo "bench: the boot reported a problem (see above)"
	$(Q)$(PYTHON) tests/xen/bench.py $(BENCH_DIR)/xen/serial.log
