# kernel/net: Ethernet, ARP, IPv4, ICMP, UDP over one netdev (net.h).
# The protocol files take their clock by injection, so the host unit tests
# build them unchanged; net_kernel.c is the kernel glue (clock, waits).
NET_SRCS := kernel/net/netdev.c kernel/net/net_base.c kernel/net/net.c \
	kernel/net/eth.c kernel/net/arp.c kernel/net/ipv4.c kernel/net/icmp.c \
	kernel/net/udp.c

KERNEL_SRCS += $(NET_SRCS) kernel/net/net_kernel.c
HOST_KERNEL_SRCS += $(NET_SRCS)
# Host only: a fake device and frame builders, the protocol suites, and a
# fuzzer (hosted glue: exact-size malloc'd frames for ASan).
HOST_TEST_SRCS += tests/host/net_fake.c tests/host/net_arp_test.c \
	tests/host/net_ip_test.c tests/host/net_udp_test.c
HOST_GLUE_SRCS += tests/host/net_fuzz.c
# Suite `net` (real Xen, netfront, the dom0 traffic peer; SKIPs without).
KERNEL_SRCS += tests/guest/net_peer.c tests/guest/net_test.c
# msa01.no_canary_on_wire: needs netfront's pool (drivers/netfront/netfront.h).
KERNEL_SRCS += tests/guest/net_msa01_test.c
# Suite `netbench` (make bench, tests/xen/bench.mk; not in any test run).
KERNEL_SRCS += tests/guest/bench_net.c tests/guest/bench_srv.c
# Every frame in and out goes through the stack: -O2, not -Os.
HOT_SRCS += $(NET_SRCS)
