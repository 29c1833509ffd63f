# make bench in the Linux client domU (tests/xen/bench.mk): sourced by
# tests/xen/linux/init instead of its tests when the command line has
# ktest.bench=MODE, after its KTAP header and eth0 are up; sets v to the
# verdict.  One ok line per payload size; it never fails on a number, only
# when the traffic itself fails.
#
#   ktest.bench=traffic      the same measurements, against the same dom0
#                            peer (tests/peer/traffic, through xenstore), as
#                            our kernel's suite netbench (tests/guest/
#                            bench_net.c): 3 rounds of 2 s, 64 and 1472 B,
#                            guest to dom0 (bench-tx: dom0 counts) and dom0
#                            to guest (bench-rx: dom0 blasts, we count)
#   ktest.bench=server:A     against the UDP rate server at A (udp-bench
#                            server in dom0, or our driver domain's suite
#                            netbench_srv): issue 8's benchmark
#
# Each measurement is one line
#   # netbench dir=D size=S round=R pkts=N us=U pps=P irq_per_pkt=X
#     upcall_per_pkt=Y peer: <the peer's result>
# (ddbench for ktest.bench=server:).  Linux's own counters come from
# /proc/interrupts: irq = the eth0 lines (netback's notifications to us),
# upcall = the HYP line (Xen's callbacks); our notifications to netback are
# what dom0 counts (the peer's dom0_irqs).  Hypercalls are not countable
# from here (no Xen perf counters in Debian's build): not printed.
MODE=$BENCH
ROUNDS=5 MS=2000
SEQ=0

# Netback's notifications: every dynamic event channel's line
# ("xen-dyn"): the vif's (one "eth0" line against our backend; with
# dom0's split channels the names were not "eth*", 13:45 run), xenbus and
# the console, which are idle meanwhile: an upper bound.
NFIRQ='xen-dyn'
# Sum of the per-CPU columns of the /proc/interrupts lines matching $1.
irqs() {
    awk -v re="$1" '$0 ~ re { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i }
                    END { print s + 0 }' /proc/interrupts
}
per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b ? a / b : 0 }'; }
val() { echo "$1" | sed -n "s/.*$2=\([0-9]*\).*/\1/p"; }

# The traffic peer's protocol (tests/peer/traffic.h): one command at a
# time in data/ktest-net/cmd, its result in data/ktest-net/result.
peer() {
    SEQ=$((SEQ + 1))
    xenstore-write data/ktest-net/cmd "$SEQ $*"
    peer_result
}
# Not in $(...): SEQ must move in this shell.  The result is in R.
peer_result() { # the result of command $SEQ
    local i=0 r
    while :; do
        r=$(xenstore-read data/ktest-net/result 2>/dev/null)
        case $r in "$SEQ "*) R=${r#* }; return 0 ;; esac
        i=$((i + 1)); [ $i -gt 300 ] && { R="fail no result"; return 1; }
        sleep 0.1
    done
}
wait_peer() {
    local i=0
    until xenstore-read data/ktest-net/peer >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -gt 300 ] && return 1
        sleep 0.1
    done
}

line() { # tag dir size round pkts us irq0 irq1 hyp0 hyp1 peer-result
    echo "# $1 dir=$2 size=$3 round=$4 pkts=$5 us=$6" \
        "pps=$(awk -v n="$5" -v u="$6" 'BEGIN { printf "%d", u ? n * 1e6 / u : 0 }')" \
        "irq_per_pkt=$(per $(($8 - $7)) "$5") upcall_per_pkt=$(per $((${10} - $9)) "$5")" \
        "peer: ${11}"
}

traffic_tx() { # size round
    local r out i0 h0
    peer bench-tx 9001; r=$R
    [ "$r" = ready ] || { echo "# netbench: bench-tx: $r"; return 1; }
    i0=$(irqs "$NFIRQ"); h0=$(irqs '^ *HYP:')
    out=$(udp-bench blast 192.0.2.1 9001 "$1" $MS)
    i1=$(irqs "$NFIRQ"); h1=$(irqs '^ *HYP:')
    peer bench-tx-stop; r=$R
    line netbench tx "$1" "$2" "$(val "$out" sent)" "$(val "$out" us)" \
        "$i0" "$i1" "$h0" "$h1" "$r"
}
traffic_rx() { # size round
    local r out i0 h0 ip=${IP%/*}
    i0=$(irqs "$NFIRQ"); h0=$(irqs '^ *HYP:')
    udp-bench sink 9002 $((MS + 8000)) >/tmp/sink &
    sleep 0.2
    # Only the command now: no xenstore polling while the datagrams come
    # (our kernel only polls its stack then too), the result afterwards.
    SEQ=$((SEQ + 1))
    xenstore-write data/ktest-net/cmd "$SEQ bench-rx $ip 9002 $1 $MS"
    wait
    i1=$(irqs "$NFIRQ"); h1=$(irqs '^ *HYP:')
    peer_result; r=$R
    out=$(cat /tmp/sink)
    line netbench rx "$1" "$2" "$(val "$out" received)" "$(val "$out" span_us)" \
        "$i0" "$i1" "$h0" "$h1" "$r"
}
server_run() { # dir size round server
    local out i0 h0 n us
    i0=$(irqs "$NFIRQ"); h0=$(irqs '^ *HYP:')
    out=$(udp-bench "$1" "$4" 9000 "$2" $MS) || { echo "# ddbench: $out"; return 1; }
    i1=$(irqs "$NFIRQ"); h1=$(irqs '^ *HYP:')
    if [ "$1" = tx ]; then n=$(val "$out" sent); us=$(echo "$out" | sed -n 's/.* us=\([0-9]*\).*/\1/p')
    else n=$(val "$out" received); us=$(val "$out" span_us); fi
    line ddbench "$1" "$2" "$3" "$n" "$us" "$i0" "$i1" "$h0" "$h1" \
        "$(echo "$out" | sed 's/.* size=[0-9]* //')"
}

N=0 FAIL=0
# What the counters are read from, once (the figures' provenance).
dump_irqs() { grep -E "xen|HYP:" /proc/interrupts | sed 's/^ */# interrupts: /'; }

res() { N=$((N + 1)); if [ "$2" = 0 ]; then echo "ok $N $1"; else echo "not ok $N $1"; FAIL=$((FAIL + 1)); fi; }
case $MODE in
traffic)
    echo "1..2"
    dump_irqs
    wait_peer || echo "# netbench: no traffic peer in dom0"
    for s in 64 1472; do
        rc=0
        for r in $(seq $ROUNDS); do
            traffic_tx "$s" "$r" || rc=1
            traffic_rx "$s" "$r" || rc=1
        done
        res "linux_netbench.udp_$s" $rc
    done ;;
server:*)
    echo "1..2"
    dump_irqs
    SRV=${MODE#server:}
    # The server may still be booting (ddswitch's frontend comes up after
    # us): up to 60 s for a first ping answer.
    i=0
    until ping -c 1 -W 1 "$SRV" >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -ge 60 ] && { echo "# ddbench: no answer from $SRV"; break; }
    done
    for s in 64 1472; do
        rc=0
        for r in $(seq $ROUNDS); do
            server_run tx "$s" "$r" "$SRV" || rc=1
            server_run rx "$s" "$r" "$SRV" || rc=1
        done
        res "linux_ddbench.udp_$s" $rc
    done ;;
*)
    echo "1..1"; echo "# unknown ktest.bench=$MODE"; res linux_bench.mode 1 ;;
esac
echo "$((N - FAIL)) passed, $FAIL failed, 0 skipped"
if [ $FAIL = 0 ]; then v=SUCCESS; else v=FAILURE; fi
echo "Test result: $v"
