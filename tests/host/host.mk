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
HOST_TEST_SRCS += tests/host/fake_arch_test.c tests/host/ktest_test.c \
	tests/host/printk_test.c
HOST_GLUE_SRCS += tests/host/main.c tests/host/fake_arch.c \
	tests/host/fake_kernel.c tests/host/fake_irq.c

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
# Then the runner's failing-init path (tests/host/ktest_test.c): the case
# is "not ok" with the init's code, its body never ran, the run FAILs.
test-host: $(HOST_BIN)
	$(Q)UBSAN_OPTIONS=print_stacktrace=1 $(HOST_BIN) $(HOST_TESTS)
	$(Q)out=$$($(HOST_BIN) ktest_init_fails) && \
		{ echo "ktest_init_fails: the run passed"; exit 1; }; \
	echo "$$out" | grep -q '^not ok 1 ktest_init_fails.body_not_run$$' && \
	echo "$$out" | grep -q 'init: -5$$' && \
	! echo "$$out" | grep -q 'the body ran' && \
	echo "$$out" | grep -q '^Test result: FAILURE$$' || \
		{ echo "ktest_init_fails: want not ok, init: -5, no body:"; \
		  echo "$$out"; exit 1; }
