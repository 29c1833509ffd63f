# Host unit tests: the kernel's own sources and tests, compiled for the host
# with AddressSanitizer and UBSan, driven by the kernel's ktest runner.
#
# Three kinds of source go in:
#   HOST_KERNEL_SRCS  project code (lib/, kernel/...) from the fragments
#   HOST_TEST_SRCS    KTEST files, shared with the kernel or host-only
#   HOST_GLUE_SRCS    hosted code using libc: the driver, the fake arch
# The first two are built as in the kernel (freestanding, -nostdinc) plus
# -include tests/host/host-names.h, which renames lib's libc-named
# functions to lib_*, so they link next to glibc and are what the tests
# call.  Glue is built as ordinary hosted C, without the renaming.
# Fragments that add to these lists must be included before this one.
#
#   make test-host [HOST_TESTS=suite,suite]

HOST_CC ?= $(CC)
HOST_BIN := $(O)/host/ktest-host
HOST_TESTS ?= all

HOST_SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
HOST_BASE_CFLAGS := $(COMMON_CFLAGS) -O1 -g $(HOST_SANFLAGS) \
	-fno-strict-aliasing -MMD -MP
HOST_KCFLAGS := $(HOST_BASE_CFLAGS) -ffreestanding -nostdinc \
	-isystem $(GCC_INC) -include tests/host/host-names.h
HOST_CFLAGS := $(HOST_BASE_CFLAGS)
# -rdynamic: arch_symbol() resolves names through dladdr().
HOST_LDFLAGS := $(HOST_SANFLAGS) -rdynamic

# The runner and the console core are what the harness drives.
HOST_KERNEL_SRCS += kernel/ktest.c kernel/printk.c
HOST_TEST_SRCS += tests/host/fake_arch_test.c
HOST_GLUE_SRCS += tests/host/main.c tests/host/fake_arch.c \
	tests/host/fake_kernel.c

# sort also drops files that two fragments both list.
HOST_PROJ_OBJS := $(patsubst %.c,$(O)/host/%.o, \
	$(sort $(HOST_KERNEL_SRCS) $(HOST_TEST_SRCS)))
HOST_GLUE_OBJS := $(patsubst %.c,$(O)/host/%.o,$(sort $(HOST_GLUE_SRCS)))

$(HOST_PROJ_OBJS): $(O)/host/%.o: %.c tests/host/host-names.h \
		| $(O)/include/xen
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOST_CC) $(HOST_KCFLAGS) -c $< -o $@

$(HOST_GLUE_OBJS): $(O)/host/%.o: %.c | $(O)/include/xen
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

# The name check proves the binary holds our lib_* functions and that the
# project code calls them rather than glibc's.
$(HOST_BIN): $(HOST_PROJ_OBJS) $(HOST_GLUE_OBJS) \
		tests/host/check-host-names.sh
	@echo "  HOSTLD  $@"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $(HOST_PROJ_OBJS) \
		$(HOST_GLUE_OBJS)
	$(Q)tests/host/check-host-names.sh $@ $(HOST_PROJ_OBJS) || \
		{ rm -f $@; exit 1; }

# A sanitizer report ends the run (no final line: a crash) and fails make.
test-host: $(HOST_BIN)
	$(Q)UBSAN_OPTIONS=print_stacktrace=1 $(HOST_BIN) $(HOST_TESTS)
