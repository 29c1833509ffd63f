# One non-recursive make for the whole project.  Each subsystem folder has
# one fragment (*.mk) that appends its files to the lists below and names
# its own targets; this file alone defines the flags and the compile rules,
# and builds every object from the lists after all fragments are read, so
# no fragment depends on another's being read first.  The include order is
# the kernel's link order, which is its tests' run order: nothing else.
# Every object lands under $(O) so the source tree stays clean.  See
# README.md for the targets.

O ?= build
# ccache when it is installed (make setup installs it): a fresh clone then
# takes from ~/.cache/ccache every object an earlier build of the same
# source and flags compiled (issue 11: the kernel, the BUGGY kernels, the
# host tests and the peers are otherwise rebuilt by every make test).  The
# directory is kept out of the hash and paths under the tree are made
# relative, so clones share entries; a hit is the compiler's own object.
CCACHE := $(shell command -v ccache 2>/dev/null)
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
CC := $(if $(CCACHE),ccache )gcc
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

# Sanitizers of every hosted test build (host unit tests, fuzzers, the
# dom0 peers' unit tests): any report ends the run and fails make.
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

# Project code built for the host: as in the kernel (freestanding,
# -nostdinc) with lib's libc-named functions renamed to lib_* by
# tests/host/host-names.h, so they link next to glibc and are what the
# tests call; hosted glue is ordinary C, without the renaming.
HOST_CC ?= $(CC)
HOST_NAMES := -include tests/host/host-names.h
HOST_BASE_CFLAGS := $(COMMON_CFLAGS) -O1 -g $(SANFLAGS) \
	-fno-strict-aliasing -MMD -MP
HOST_KCFLAGS := $(HOST_BASE_CFLAGS) -ffreestanding -nostdinc \
	-isystem $(GCC_INC) $(HOST_NAMES)
HOST_CFLAGS := $(HOST_BASE_CFLAGS)
# -rdynamic: arch_symbol() resolves names through dladdr().
HOST_LDFLAGS := $(SANFLAGS) -rdynamic

# make bench-host: project code compiled as for the kernel (-O2,
# freestanding, general registers only) with lib's names renamed, no
# sanitizers: the figures are the kernel's code paths, not ASan's.  As
# for NOLOOP_SRCS below, fill loops must stay loops.
BENCH_KCFLAGS := $(COMMON_CFLAGS) -ffreestanding -nostdinc \
	-isystem $(GCC_INC) -fno-stack-protector -mno-red-zone \
	-mgeneral-regs-only -fno-strict-aliasing -MMD -MP $(HOST_NAMES) \
	-fno-tree-loop-distribute-patterns
BENCH_CFLAGS := $(COMMON_CFLAGS) -MMD -MP

# libFuzzer harnesses: project code as for the host tests, by clang.
# Deferred (=): clang is only asked for its headers when fuzzing.
FUZZ_CC ?= clang
FUZZ_CFLAGS = $(COMMON_CFLAGS) -O1 -g $(SANFLAGS) \
	-fsanitize=fuzzer-no-link -fno-strict-aliasing -ffreestanding \
	-nostdinc -isystem $(shell $(FUZZ_CC) -print-resource-dir)/include \
	$(HOST_NAMES) -MMD -MP

# The dom0 peer programs (tests/peer/), against Debian's Xen libraries;
# their unit tests add the sanitizers.
PEER_CC ?= $(CC)
PEER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -fno-common -D_GNU_SOURCE -D__XEN_TOOLS__ \
	-MMD -MP
# -I.: the unit tests are KTEST suites (kernel/ktest.h, root-relative).
PEER_TEST_CFLAGS := $(PEER_CFLAGS) -I. -O1 $(SANFLAGS)

# Defined before the fragments: their rules name it as a prerequisite.
KERNEL := $(O)/kernel.elf
KERNEL_PROD := $(O)/kernel-prod.elf

# The lists the fragments append to; everything is built from them below.
#   KERNEL_SRCS       the kernel, in link order (= test run order)
#   HOST_KERNEL_SRCS  project code (lib/, kernel/...) in the host tests
#   HOST_TEST_SRCS    KTEST files, shared with the kernel or host-only
#   HOST_GLUE_SRCS    hosted code of the host tests (libc): driver, fakes
#   HOT_SRCS          kernel files built -O2 (the rest is -Os): hot paths
#   NOLOOP_SRCS       files whose copy and fill loops GCC must not turn
#                     into calls to memcpy/memset (calls to themselves,
#                     or on the host to glibc's)
#   BENCH_KERNEL_SRCS project code in the host benchmark; BENCH_GLUE_SRCS
#   FUZZ_XS_SRCS      the xenstore fuzzer's sources
#   PEERS, PEER_TESTS the dom0 peer programs and their unit tests
KERNEL_SRCS :=
HOST_KERNEL_SRCS :=
HOST_TEST_SRCS :=
HOST_GLUE_SRCS :=
HOT_SRCS :=
NOLOOP_SRCS :=
BENCH_KERNEL_SRCS :=
BENCH_GLUE_SRCS :=
FUZZ_XS_SRCS :=
PEERS :=
PEER_TESTS :=

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
include tests/xen/dd.mk
include tests/xen/run.mk
include tests/xen/bench.mk
include tests/host/bench.mk

# ---- Objects of the lists, and the rules that build them ----
# $(call compile,LABEL,COMPILER FLAGS): the recipe of every compile rule.
define compile
	@mkdir -p $(dir $@)
	@printf '  %-8s%s\n' $(firstword $(1)) \
		"$<$(if $(word 2,$(1)), $(wordlist 2,9,$(1)))"
	$(Q)$(2) -c $< -o $@
endef

KOBJS := $(patsubst %,$(O)/k/%.o,$(basename $(KERNEL_SRCS)))
# sort also drops files that two fragments both list.
HOST_PROJ_OBJS := $(patsubst %.c,$(O)/host/%.o, \
	$(sort $(HOST_KERNEL_SRCS) $(HOST_TEST_SRCS)))
HOST_GLUE_OBJS := $(patsubst %.c,$(O)/host/%.o,$(sort $(HOST_GLUE_SRCS)))
BENCH_KOBJS := $(patsubst %.c,$(O)/bench/%.o,$(BENCH_KERNEL_SRCS))
BENCH_GLUE_OBJS := $(patsubst %.c,$(O)/bench/%.o,$(BENCH_GLUE_SRCS))
FUZZ_XS_OBJS := $(patsubst %.c,$(FUZZ_DIR)/%.o,$(FUZZ_XS_SRCS))
NOLOOP := -fno-tree-loop-distribute-patterns
$(patsubst %.c,$(O)/k/%.o,$(NOLOOP_SRCS)): KCFLAGS += $(NOLOOP)
$(patsubst %.c,$(O)/host/%.o,$(NOLOOP_SRCS)): HOST_KCFLAGS += $(NOLOOP)

all: $(KERNEL) $(KERNEL_PROD)

$(O)/include/xen:
	@mkdir -p $(O)/include
	$(Q)ln -sfn $(XEN_INC) $@

# Built for size (issue 11: the loaded image), but for the hot paths that
# HOT_SRCS lists (-O2: the heap, string and checksum loops, the netfront
# data path); the in-kernel suites, which are most of the image, and all
# the set-up code run once or rarely.
$(O)/k/%.o: %.c | $(O)/include/xen
	$(call compile,CC,$(CC) $(KCFLAGS) $(if $(filter $<,$(HOT_SRCS)),,-Os))

$(O)/k/%.o: %.S | $(O)/include/xen
	$(call compile,AS,$(CC) $(KASFLAGS))

$(HOST_PROJ_OBJS): $(O)/host/%.o: %.c tests/host/host-names.h \
		| $(O)/include/xen
	$(call compile,HOSTCC,$(HOST_CC) $(HOST_KCFLAGS))

$(HOST_GLUE_OBJS): $(O)/host/%.o: %.c | $(O)/include/xen
	$(call compile,HOSTCC,$(HOST_CC) $(HOST_CFLAGS))

$(BENCH_KOBJS): $(O)/bench/%.o: %.c tests/host/host-names.h \
		| $(O)/include/xen
	$(call compile,BENCHCC,$(CC) $(BENCH_KCFLAGS))

$(BENCH_GLUE_OBJS): $(O)/bench/%.o: %.c | $(O)/include/xen
	$(call compile,BENCHCC,$(CC) $(BENCH_CFLAGS))

$(FUZZ_XS_OBJS): $(FUZZ_DIR)/%.o: %.c tests/host/host-names.h \
		| $(O)/include/xen
	$(call compile,FUZZCC,$(FUZZ_CC) $(FUZZ_CFLAGS))

$(O)/peer-obj/%.o: tests/peer/%.c
	$(call compile,PEERCC,$(PEER_CC) $(PEER_CFLAGS))

$(O)/peer-test/obj/%.o: tests/peer/%.c
	$(call compile,PEERCC (test),$(PEER_CC) $(PEER_TEST_CFLAGS))

# Programs and targets whose prerequisites are lists several fragments
# fill (their recipes are in the fragments).
$(HOST_BIN): $(HOST_PROJ_OBJS) $(HOST_GLUE_OBJS)
$(BENCH_BIN): $(BENCH_KOBJS) $(BENCH_GLUE_OBJS)
$(FUZZ_XS_BIN): $(FUZZ_XS_OBJS)
peers: $(PEERS)
test-peer: $(PEERS) $(PEER_TESTS)
$(XEN_INITRD) test-peer-xen: $(PEERS)

# Symbolised backtraces need the kernel's own symbol table.  Pass 1 links
# with an empty table; its text symbols become the table of pass 2.  The
# table sits after .data, so adding it moves no code address.
# $(call link_kernel,NAME,OBJECTS[,MAX_BYTES]): NAME.pass1.elf, NAME-ksyms.S,
# NAME.elf; a loaded size over MAX_BYTES fails the link.
$(O)/ksyms0.S: tools/ksyms.py
	@mkdir -p $(O)
	$(Q)$(PYTHON) tools/ksyms.py /dev/null > $@

$(O)/k/ksyms0.o: $(O)/ksyms0.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

define link_kernel
$(O)/$(1).pass1.elf: $(2) $(O)/k/ksyms0.o linker.ld
	@echo "  LD      $$@"
	$(Q)$(LD) $(KLDFLAGS) -T linker.ld -o $$@ $(2) $(O)/k/ksyms0.o $(LIBGCC)

$(O)/$(1)-ksyms.S: $(O)/$(1).pass1.elf tools/ksyms.py
	$(Q)$(NM) -n $$< | $(PYTHON) tools/ksyms.py - > $$@

$(O)/k/$(1)-ksyms.o: $(O)/$(1)-ksyms.S
	$(Q)$(CC) $(KASFLAGS) -c $$< -o $$@

$(O)/$(1).elf: $(2) $(O)/k/$(1)-ksyms.o linker.ld
	@echo "  LD      $$@"
	$(Q)$(LD) $(KLDFLAGS) -T linker.ld -o $$@ $(2) $(O)/k/$(1)-ksyms.o \
		$(LIBGCC)
	$(Q)tools/check-kernel-size.sh $$@ $(3) || { rm -f $$@; exit 1; }
	$(Q)$(if $(filter xsa466,$(BUGGY)),:,tools/check-hypercall-page.sh $$@)
endef

# kernel.elf is what every test tier boots: the kernel with its in-kernel
# suites.  kernel-prod.elf is the same objects without tests/ (issue 11:
# the production image's footprint, held under 256 KiB here; make
# test-qemu boots it too).
$(eval $(call link_kernel,kernel,$(KOBJS)))
$(eval $(call link_kernel,kernel-prod,$(filter-out $(O)/k/tests/%,$(KOBJS)),262143))

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
# Two at a time where the machine's two cores allow: the builds; the host
# tiers (the 20 s fuzz run is one process, the others fit beside it); the
# two last boots of the test host, one TCG thread each (as the lanes of
# test-xen-all, tests/xen/README.md "Two test hosts at once").  The
# scenarios and the buggy scenarios share the boots of test-xen-all
# (tests/xen/buggy.mk): fewer dom0 boots than test-xen + test-buggy.
# With XEN_LANES=1 the driver-domain groups get boots of their own after
# it (test-xen-dd, dom0 pinned: tests/xen/dd.mk).
# Each tier's wall time goes to $(O)/test-times and is printed at the end
# (issue 11: where make test's minutes go, measured on every run).
# With lanes (XEN_LANES=2, the default) test-xen-all boots the one-thread
# driver-domain groups and test-peer-xen/test-iso in its lanes too
# (tests/xen/buggy.mk XEN_LANES_DD, XEN_LANES_JOBS): tiers that ran alone
# on one core after it (tests/xen/README.md "Where make test's time
# goes").  The four-domain groups boot in test-xen-dd after it, alone
# (XEN_LANES_DDM empty by default: tests/xen/buggy.mk says why); with
# XEN_LANES_DDM set they join its multi-thread boot instead, and
# test-xen-dd boots only the groups the lanes do not.
xen_dd_alone = $(if $(filter 1,$(XEN_LANES)),1,$(if $(strip $(XEN_LANES_DD)),,1))
xen_ddm_alone = $(if $(filter 1,$(XEN_LANES)),1,$(if $(strip $(XEN_LANES_DDM)),,1))
xen_jobs_alone = $(if $(filter 1,$(XEN_LANES)),1,$(if $(strip $(XEN_LANES_JOBS)),,1))
xen_in_lanes = $(if $(xen_dd_alone),,+dd)$(if $(xen_ddm_alone),,+ddm)$(if $(xen_jobs_alone),,+peer-xen+iso)
xen_dd_tier = test-xen-dd $(if $(xen_dd_alone),,DD_SCENARIOS=) \
	$(if $(xen_ddm_alone),,DD_MULTI_SCENARIOS=)
# $(call test_tier,NAME,MAKE ARGUMENTS)
define test_tier
	$(Q)s=$$(date +%s); $(MAKE) --no-print-directory $(2) || exit $$?; \
	echo "$(1) $$(( $$(date +%s) - s )) s" >> $(O)/test-times
endef

test:
	@mkdir -p $(O) && : > $(O)/test-times
	$(call test_tier,setup,setup)
	$(call test_tier,check-layering,-j2 check-layering)
	$(call test_tier,build,-j2 $(KERNEL) $(PEERS) buggy-kernels)
	$(call test_tier,test-host test-peer test-fuzz test-qemu,-j2 -O test-host test-peer test-fuzz test-qemu)
	$(call test_tier,test-xen-all$(xen_in_lanes),test-xen-all BUGGY_BUILT=1)
	$(if $(xen_dd_alone)$(xen_ddm_alone),$(call test_tier,$(strip $(xen_dd_tier)),$(xen_dd_tier)))
	$(if $(xen_jobs_alone),$(call test_tier,test-peer-xen test-iso,-j2 -O test-peer-xen test-iso SCENARIOS=gnttab XEN_TCG_THREAD=single))
	@echo "make test: wall time per tier:"; sed 's/^/    /' $(O)/test-times
	@echo "make test: all tiers passed"

# On a Xen dom0 the kernel runs under the host's own Xen; elsewhere under
# the Xen test host in QEMU.
run: setup
	$(Q)if grep -qs control_d /proc/xen/capabilities && command -v xl >/dev/null; then \
		$(MAKE) --no-print-directory $(KERNEL) && \
		xl create -c tests/xen/xl/ktest.cfg; \
	else \
		$(MAKE) --no-print-directory run-advisories; \
	fi

clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' -type f 2>/dev/null)
