# tests/peer/traffic*: the dom0 traffic peer of the net.* tests, the
# MSA01 wire capture and `make bench` (protocol in traffic.h).  Included
# from peer.mk; its pure half (traffic_scan.c) has host unit tests run by
# `make test-peer`.
TRAFFIC_SRCS := tests/peer/traffic.c tests/peer/traffic_net.c \
	tests/peer/traffic_ping.c tests/peer/traffic_bench.c \
	tests/peer/traffic_scan.c $(PEER_COMMON_SRCS)
TEST_TRAFFIC_SRCS := tests/peer/test_traffic.c tests/peer/traffic_scan.c

PEERS += $(O)/peer/traffic
PEER_TESTS += $(O)/peer-test/test_traffic

$(O)/peer/traffic: $(call peer_objs,$(TRAFFIC_SRCS))
	@mkdir -p $(dir $@)
	@echo "  PEERLD  $@"
	$(Q)$(PEER_CC) -o $@ $^ $(PEER_LIBS)

$(O)/peer-test/test_traffic: $(call peer_test_objs,$(TEST_TRAFFIC_SRCS)) \
		$(PEER_KTEST_OBJS)
	$(Q)$(PEER_CC) $(SANFLAGS) -o $@ $^
