# Host unit tests: the kernel's own sources and tests, compiled for the host
# with AddressSanitizer and UBSan, driven by the kernel's ktest runner.
# Every fragment adds its files to HOST_KERNEL_SRCS, HOST_TEST_SRCS and
# HOST_GLUE_SRCS; the top Makefile says how each kind is compiled.
#
#   make test-host [HOST_TESTS=suite,suite]

HOST_BIN := $(O)/host/ktest-host
HOST_TESTS ?= all

# The runner and the console core are what the harness drives.
HOST_KERNEL_SRCS += kernel/ktest.c kernel/printk.c
HOST_TEST_SRCS += tests/host/fake_arch_test.c
HOST_GLUE_SRCS += tests/host/main.c tests/host/fake_arch.c \
	tests/host/fake_kernel.c

# The name check proves the binary holds our lib_* functions and that the
# project code calls them rather than glibc's.  (The objects are
# prerequisites too, named by the top Makefile.)
$(HOST_BIN): tests/host/check-host-names.sh
	@echo "  HOSTLD  $@"
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $(HOST_PROJ_OBJS) \
		$(HOST_GLUE_OBJS)
	$(Q)tests/host/check-host-names.sh $@ $(HOST_PROJ_OBJS) || \
		{ rm -f $@; exit 1; }

# A sanitizer report ends the run (no final line: a crash) and fails make.
test-host: $(HOST_BIN)
	$(Q)UBSAN_OPTIONS=print_stacktrace=1 $(HOST_BIN) $(HOST_TESTS)
