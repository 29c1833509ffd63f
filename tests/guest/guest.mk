# In-kernel test suites that need the real kernel (not the host build).
KERNEL_SRCS += tests/guest/arch_test.c tests/guest/boot_test.c \
	tests/guest/xen_test.c tests/guest/bench_xen.c
