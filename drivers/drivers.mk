KERNEL_SRCS += drivers/uart16550.c drivers/debugport.c drivers/xencons.c
include drivers/netfront/netfront.mk
include drivers/netback/netback.mk
