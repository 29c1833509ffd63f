# tests/peer/: dom0 peer programs (grant holder, hostile netback), built for
# the host against Debian's libxengnttab / libxenstore / libxenevtchn and
# copied by tests/xen/mkinitramfs.sh into dom0's /peer/ (every executable
# in $(O)/peer/ goes there, so only the peers themselves land in it).
#
#   make peers       build $(PEERS)
#   make test-peer   build the peers, then run the host unit tests of their
#                    protocol logic (ASan/UBSan), tests/peer/test_*.c

.PHONY: peers test-peer

# Compiled by the top Makefile's rules (PEER_CFLAGS, PEER_TEST_CFLAGS).
# dom0 gets the same Debian sonames (libxengnttab.so.1, libxenstore.so.4,
# libxenevtchn.so.1) that we link against here.
PEER_LIBS := -lxengnttab -lxenstore -lxenevtchn

PEER_COMMON_SRCS := tests/peer/peer_util.c tests/peer/peer_xs.c
GH_SRCS := tests/peer/grant-holder.c tests/peer/gh.c $(PEER_COMMON_SRCS)
NB_SRCS := tests/peer/hostile-netback.c tests/peer/nb_xenbus.c tests/peer/nb_conn.c \
	tests/peer/nb_ring.c tests/peer/nb_scenario.c tests/peer/nb_xsa405.c \
	tests/peer/nb_request.c tests/peer/nb_switch.c tests/peer/nb_args.c \
	$(PEER_COMMON_SRCS)

HC_SRCS := tests/peer/hostile-console.c $(PEER_COMMON_SRCS)
HX_SRCS := tests/peer/hostile-xenstore.c $(PEER_COMMON_SRCS)

PEERS += $(O)/peer/grant-holder $(O)/peer/hostile-netback $(O)/peer/udp-rtt \
	$(O)/peer/udp-bench $(O)/peer/hostile-console $(O)/peer/hostile-xenstore \
	$(O)/peer/reattach $(O)/peer/nfdiag

peer_objs = $(patsubst tests/peer/%.c,$(O)/peer-obj/%.o,$(1))

$(O)/peer/grant-holder: $(call peer_objs,$(GH_SRCS))
	@mkdir -p $(dir $@)
	@echo "  PEERLD  $@"
	$(Q)$(PEER_CC) -o $@ $^ $(PEER_LIBS)

$(O)/peer/hostile-netback: $(call peer_objs,$(NB_SRCS))
	@mkdir -p $(dir $@)
	@echo "  PEERLD  $@"
	$(Q)$(PEER_CC) -o $@ $^ $(PEER_LIBS)

# UDP echo server (dom0) and client (the Linux client domU, tests/xen/linux/):
# plain sockets, no Xen library.
$(O)/peer/udp-rtt: $(call peer_objs,tests/peer/udp-rtt.c)
	@mkdir -p $(dir $@)
	@echo "  PEERLD  $@"
	$(Q)$(PEER_CC) -o $@ $^

# make bench's UDP rate tools for Linux (dom0 and the Linux client domU).
$(O)/peer/udp-bench: $(call peer_objs,tests/peer/udp-bench.c tests/peer/peer_util.c)
	@mkdir -p $(dir $@)
	@echo "  PEERLD  $@"
	$(Q)$(PEER_CC) -o $@ $^

$(O)/peer/hostile-console: $(call peer_objs,$(HC_SRCS))
	@mkdir -p $(dir $@)
	@echo "  PEERLD  $@"
	$(Q)$(PEER_CC) -o $@ $^ $(PEER_LIBS)

$(O)/peer/hostile-xenstore: $(call peer_objs,$(HX_SRCS))
	@mkdir -p $(dir $@)
	@echo "  PEERLD  $@"
	$(Q)$(PEER_CC) -o $@ $^ $(PEER_LIBS)

# The toolstack's side of netfront.backend_returns: a script (xl, xenstore-*).
$(O)/peer/reattach: tests/peer/reattach.sh
	@mkdir -p $(dir $@)
	$(Q)install -m 0755 $< $@

# dom0's half of a netfront TX stall dump (nf-cycles-linux): a script.
$(O)/peer/nfdiag: tests/peer/nfdiag.sh
	@mkdir -p $(dir $@)
	$(Q)install -m 0755 $< $@

# Unit tests: the same core sources with sanitizers, no Xen library calls
# (fakes stand in), so they run on any host.  Outside $(O)/peer/ so they
# never reach dom0.
PEER_TESTS += $(O)/peer-test/test_gh $(O)/peer-test/test_nb
# The tests are KTEST suites run by the project's own runner, the host
# harness's objects (kernel/ktest.c and what it prints with, its hosted
# main(): `test_gh [FILTER]`), so they print the same KTAP as test-host.
PEER_KTEST_OBJS := $(O)/host/kernel/ktest.o $(O)/host/kernel/printk.o \
	$(O)/host/lib/string.o $(O)/host/lib/printf.o $(O)/host/tests/host/main.o \
	$(O)/host/tests/host/fake_irq.o
TEST_GH_SRCS := tests/peer/test_gh.c tests/peer/gh.c tests/peer/peer_util.c
TEST_NB_SRCS := tests/peer/test_nb.c tests/peer/test_nb_request.c \
	tests/peer/nb_ring.c tests/peer/nb_scenario.c tests/peer/nb_xsa405.c \
	tests/peer/nb_request.c tests/peer/peer_util.c

peer_test_objs = $(patsubst tests/peer/%.c,$(O)/peer-test/obj/%.o,$(1))

$(O)/peer-test/test_gh: $(call peer_test_objs,$(TEST_GH_SRCS)) $(PEER_KTEST_OBJS)
	$(Q)$(PEER_CC) $(SANFLAGS) -o $@ $^

$(O)/peer-test/test_nb: $(call peer_test_objs,$(TEST_NB_SRCS)) $(PEER_KTEST_OBJS)
	$(Q)$(PEER_CC) $(SANFLAGS) -o $@ $^

# (The peers and PEER_TESTS are prerequisites too: top Makefile.)
test-peer: $(O)/peer-obj/peer-selftest $(O)/peer-obj/mkhang
	$(Q)for t in $(PEER_TESTS); do \
		echo "  TEST    $$t"; \
		$$t > $$t.log 2>&1 || { cat $$t.log; echo "test-peer: $$t FAILED"; exit 1; }; \
		tail -n 1 $$t.log; \
	done
	@echo "test-peer: all peer unit tests passed"

# End-to-end check of the peers on the real Xen test host, before any guest
# kernel speaks their protocols: dom0 plays the guest side for its own
# domid (tests/peer/selftest*.c) while a placeholder PVH guest that only
# waits (tests/peer/mkhang.c) keeps the scenario open.  Uses the
# tests/xen/ scripts unchanged, with its own scenario table and initramfs
# under $(O)/peer-xen/; about a minute under TCG.
#
#   make test-peer-xen [PEER_SELFTESTS="gh nb:good ..."]
.PHONY: test-peer-xen
PEER_XEN := $(O)/peer-xen$(if $(filter-out 4.17,$(XEN)),-$(XEN))
PEER_SELFTESTS ?=
ST_SRCS := tests/peer/selftest.c tests/peer/selftest_nb.c \
	tests/peer/peer_util.c

$(O)/peer-obj/peer-selftest: $(call peer_objs,$(ST_SRCS))
	@echo "  PEERLD  $@"
	$(Q)$(PEER_CC) -o $@ $^ $(PEER_LIBS)

$(O)/peer-obj/mkhang: $(call peer_objs,tests/peer/mkhang.c)
	$(Q)$(PEER_CC) -o $@ $^

$(PEER_XEN)/hang.elf: $(O)/peer-obj/mkhang
	@mkdir -p $(dir $@)
	$(Q)$< $@

test-peer-xen: $(O)/peer-obj/peer-selftest $(PEER_XEN)/hang.elf
	$(Q)rm -rf $(PEER_XEN)/peer && mkdir -p $(PEER_XEN)/peer
	$(Q)cp $(PEERS) $(O)/peer-obj/peer-selftest $(PEER_XEN)/peer/
	$(Q)echo 'peerself | memory=4 timeout=150 | | - | exec peer-selftest $(PEER_SELFTESTS)' \
		> $(PEER_XEN)/scenarios
	$(Q)tests/xen/fetch.sh $(XEN_CACHE) $(XEN)
	@echo "  INITRD  $(PEER_XEN)/initrd.gz"
	$(Q)tests/xen/mkinitramfs.sh $(XEN_VCACHE) $(PEER_XEN)/initrd.gz \
		$(PEER_XEN)/hang.elf $(PEER_XEN)/scenarios $(PEER_XEN)/peer
	$(Q)tests/xen/boot.sh -c $(XEN_VCACHE) -i $(PEER_XEN)/initrd.gz \
		-s peerself -o $(PEER_XEN)/serial.log -t 260 || true
	$(Q)grep -E '(grant-holder|hostile-netback|peer-selftest):' \
		$(PEER_XEN)/serial.log | sed 's/^/    /'
	$(Q)grep -q 'peer-selftest: PASS' $(PEER_XEN)/serial.log || \
		{ echo "test-peer-xen: FAILED (log $(PEER_XEN)/serial.log)"; exit 1; }
	@echo "test-peer-xen: peers passed on the Xen test host"
include tests/peer/traffic.mk
