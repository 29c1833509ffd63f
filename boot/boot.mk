# head.S first: .text.boot is placed first by linker.ld anyway.
KERNEL_SRCS += boot/head.S
