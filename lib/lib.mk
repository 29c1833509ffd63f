# lib/: freestanding helpers with libc names; built into the kernel and,
# renamed by tests/host/host-names.h, into the host unit tests.
LIB_SRCS := lib/string.c lib/printf.c lib/bitmap.c lib/checksum.c
LIB_TEST_SRCS := tests/guest/lib_string.c tests/guest/lib_printf.c \
	tests/guest/lib_bitmap.c tests/guest/lib_list.c \
	tests/guest/lib_checksum.c tests/guest/lib_errno.c \
	tests/guest/lib_kstrtou64.c

KERNEL_SRCS += $(LIB_SRCS) $(LIB_TEST_SRCS)
HOST_KERNEL_SRCS += $(LIB_SRCS)
HOST_TEST_SRCS += $(LIB_TEST_SRCS)

# GCC may turn the copy and fill loops of string.c into calls to memcpy and
# memset, that is to themselves (or, on the host, to glibc's).
NOLOOP_SRCS += lib/string.c
# The copy, fill and checksum loops of every packet: -O2, not -Os.
HOT_SRCS += lib/string.c lib/checksum.c
