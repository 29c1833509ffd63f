# One non-recursive make for the whole project. Each directory contributes a
# fragment (*.mk) that appends to the source lists below; every object lands
# under $(O) so the source tree stays clean.  See README.md for the targets.

O ?= build
CC := gcc
LD := ld
OBJCOPY := objcopy
NM := nm
PYTHON ?= python3
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

# BUGGY=<rule> rebuilds the kernel with one advisory rule switched off, to
# show the test that guards it failing.  Empty for a normal build.
BUGGY ?=

.DEFAULT_GOAL := all
.PHONY: all clean test run test-host test-qemu bench-host setup format-check \
	check-layering

# Compiler-provided freestanding headers (stdint.h, stddef.h, stdarg.h,
# stdbool.h) stay reachable under -nostdinc; nothing else from the host does.
GCC_INC := $(shell $(CC) -print-file-name=include)

# The Xen public headers come from Debian's libxen-dev, reached through a
# symlink in the build folder so -nostdinc stays in force for everything else.
XEN_INC := /usr/include/xen

COMMON_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla -fno-common \
	-I. -I$(O)/include -D__XEN_INTERFACE_VERSION__=0x00040e00 \
	$(if $(BUGGY),-DKTEST_BUGGY_$(shell echo $(BUGGY) | tr a-z- A-Z_)=1)

KCFLAGS = $(COMMON_CFLAGS) -ffreestanding -nostdinc -isystem $(GCC_INC) \
	-fno-stack-protector -fno-pic -fno-pie -mno-red-zone \
	-mgeneral-regs-only -mcmodel=small -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing \
	-MMD -MP -D__KERNEL__
KASFLAGS := $(KCFLAGS) -D__ASSEMBLY__
KLDFLAGS := -nostdlib -static -no-pie -z max-page-size=4096 \
	-z noexecstack --build-id=none
# libgcc only for compiler helpers (e.g. __popcountdi2 without -mpopcnt);
# it is freestanding and needs nothing from a C library.
LIBGCC := $(shell $(CC) -print-libgcc-file-name)

# Defined before the fragments: their rules name it as a prerequisite.
KERNEL := $(O)/kernel.elf

# Source lists filled in by the fragments.
KERNEL_SRCS :=
HOST_TEST_SRCS :=
HOST_KERNEL_SRCS :=

include lib/lib.mk
include boot/boot.mk
include arch/x86/arch.mk
include kernel/kernel.mk
include drivers/drivers.mk
include tests/guest/guest.mk
include tests/host/host.mk
include tests/qemu/qemu.mk
include tests/peer/peer.mk
include tests/xen/xen.mk
include tests/fuzz/fuzz.mk
include tests/xen/buggy.mk
include tests/xen/bench.mk

KOBJS := $(patsubst %,$(O)/k/%.o,$(basename $(KERNEL_SRCS)))

all: $(KERNEL)

$(O)/include/xen:
	@mkdir -p $(O)/include
	$(Q)ln -sfn $(XEN_INC) $@

$(O)/k/%.o: %.c | $(O)/include/xen
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) $(KCFLAGS_$(firstword $(subst /, ,$<))) -c $< -o $@

# The in-kernel suites are most of the image and none of the hot paths:
# built for size, so the kernel with all its tests stays small.
KCFLAGS_tests := -Os

$(O)/k/%.o: %.S | $(O)/include/xen
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# Symbolised backtraces need the kernel's own symbol table.  Pass 1 links
# with an empty table; its text symbols become the table of pass 2.  The
# table sits after .data, so adding it moves no code address.
$(O)/ksyms0.S:
	@mkdir -p $(O)
	$(Q)$(PYTHON) tools/ksyms.py /dev/null > $@

$(O)/kernel.pass1.elf: $(KOBJS) $(O)/k/ksyms0.o linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(KLDFLAGS) -T linker.ld -o $@ $(KOBJS) $(O)/k/ksyms0.o $(LIBGCC)

$(O)/ksyms.S: $(O)/kernel.pass1.elf tools/ksyms.py
	$(Q)$(NM) -n $< | $(PYTHON) tools/ksyms.py - > $@

$(O)/k/ksyms0.o: $(O)/ksyms0.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@
$(O)/k/ksyms.o: $(O)/ksyms.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(KERNEL): $(KOBJS) $(O)/k/ksyms.o linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(KLDFLAGS) -T linker.ld -o $@ $(KOBJS) $(O)/k/ksyms.o $(LIBGCC)
	$(Q)tools/check-kernel-size.sh $@
	$(Q)$(if $(filter xsa466,$(BUGGY)),:,tools/check-hypercall-page.sh $@)

# Set-up: installs whatever Debian packages are missing (needs root or sudo).
setup:
	$(Q)tools/setup.sh

# Only boot/ and arch/x86/ may hold asm; lib/ depends on nothing; drivers/
# reach Xen and the CPU only through kernel/ APIs; no two files of the
# kernel call each other but those tools/cycles.allow names (from the
# objects' symbol tables, so it needs them built).
check-layering: $(KOBJS)
	$(Q)tools/check-layering.sh
	$(Q)$(PYTHON) tools/check_cycles_test.py
	$(Q)$(PYTHON) tools/check-cycles.py --nm $(NM) --root $(O)/k $(KOBJS)

# Linux style, as .clang-format says.
format-check:
	$(Q)tools/format-check.sh

# Tier by tier, cheapest first, so a broken build fails in seconds.
test: setup check-layering
	$(Q)$(MAKE) --no-print-directory test-host
	$(Q)$(MAKE) --no-print-directory test-peer
	$(Q)$(MAKE) --no-print-directory test-fuzz
	$(Q)$(MAKE) --no-print-directory test-qemu
	$(Q)$(MAKE) --no-print-directory test-xen
	$(Q)$(MAKE) --no-print-directory test-buggy
	$(Q)$(MAKE) --no-print-directory test-peer-xen
	$(Q)$(MAKE) --no-print-directory test-iso SCENARIOS=gnttab
	@echo "make test: all tiers passed"

# On a Xen dom0 the kernel runs under the host's own Xen; elsewhere under
# the Xen test host in QEMU.
run: setup
	$(Q)if grep -qs control_d /proc/xen/capabilities && command -v xl >/dev/null; then \
		$(MAKE) --no-print-directory $(KERNEL) && \
		xl create -c tests/xen/xl/ktest.cfg; \
	else \
		$(MAKE) --no-print-directory run-xen; \
	fi

clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' -type f 2>/dev/null)
