KERNEL_SRCS += arch/x86/entry.S arch/x86/traps.c arch/x86/extable.c \
	arch/x86/backtrace.c arch/x86/cpu.c arch/x86/paging.c arch/x86/tsc.c \
	arch/x86/init.c arch/x86/hypercall.c
