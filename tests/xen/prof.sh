# Sourced by tests/xen/init: the profile keys of dom0's command line
# (XEN_DOM0_ARGS, tests/xen/README.md "Where the emulated CPU goes"), off
# unless given, so a normal boot pays nothing for them.
#   ktest.idle=S     after READY, S seconds with nothing to do before the
#                    scenarios, between two marker lines: what QEMU burns on
#                    Xen's and dom0's own ticks (the host side times it)
#   ktest.profile=1  Xen's CPU accounting of each row: dom0's Time(s) at
#                    BEGIN and at END, and each other domain's last Time(s)
#                    seen by `xl list` once a second while the row runs (a
#                    guest is destroyed by the time its row ends, so the
#                    sample is at most a second old); the sampler is dom0
#                    work too, so it is measured alone in the idle window
PROF_ON=$(sed -n 's/.*ktest\.profile=\([0-9]*\).*/\1/p' /proc/cmdline)
PROF_IDLE=$(sed -n 's/.*ktest\.idle=\([0-9]*\).*/\1/p' /proc/cmdline)
PROF_T0='' PROF_D0='' PROF_PID=''

prof_dom0() { xl list 0 2>/dev/null | awk 'NR == 2 { print $6 }'; }

# xl list once a second into $1 until killed, each round after a "T" line.
prof_sampler() {
    while :; do
        echo T
        xl list 2>/dev/null
        sleep 1
    done >"$1"
}

# The idle window: nothing runs but Xen, dom0's kernel and its daemons;
# then the same length with the sampler, whose own cost the rows carry.
prof_idle() {
    local d0 t0
    [ -n "$PROF_IDLE" ] || return 0
    d0=$(prof_dom0) t0=$(now_cs)
    echo "=== KTEST-IDLE BEGIN seconds=$PROF_IDLE ==="
    sleep "$PROF_IDLE"
    echo "=== KTEST-IDLE END dom0=$(awk -v a="$d0" -v b="$(prof_dom0)" 'BEGIN { print b - a }') seconds=$(secs $(($(now_cs) - t0))) ==="
    [ -n "$PROF_ON" ] || return 0
    d0=$(prof_dom0) t0=$(now_cs)
    echo "=== KTEST-IDLE BEGIN sampler seconds=$PROF_IDLE ==="
    prof_sampler /tmp/prof-idle.samples &
    PROF_PID=$!
    sleep "$PROF_IDLE"
    kill $PROF_PID 2>/dev/null
    wait $PROF_PID 2>/dev/null
    echo "=== KTEST-IDLE END sampler dom0=$(awk -v a="$d0" -v b="$(prof_dom0)" 'BEGIN { print b - a }') seconds=$(secs $(($(now_cs) - t0))) ==="
}

prof_begin() {
    [ -n "$PROF_ON" ] || return 0
    PROF_D0=$(prof_dom0) PROF_T0=$(now_cs)
    prof_sampler "/tmp/prof-$1.samples" &
    PROF_PID=$!
}

# One line per row: wall, dom0's CPU seconds, every other domain's last.
prof_end() {
    local d1
    [ -n "$PROF_ON" ] || return 0
    kill $PROF_PID 2>/dev/null
    wait $PROF_PID 2>/dev/null
    d1=$(prof_dom0)
    awk -v n="$1" -v w="$(secs $(($(now_cs) - PROF_T0)))" -v a="$PROF_D0" -v b="$d1" '
        # By domid: a dying domain is listed as "(null)".
        $1 != "T" && $1 != "Name" && $2 != "0" && NF >= 6 {
            if (!($2 in t)) o[k++] = $2
            if ($1 != "(null)") nm[$2] = $1
            if ($6 + 0 > t[$2] + 0) t[$2] = $6
        }
        END {
            s = ""; g = 0
            for (i = 0; i < k; i++) { s = s " " nm[o[i]] "=" t[o[i]]; g += t[o[i]] }
            printf "ktest: prof %s wall=%s dom0=%.1f guests=%.1f%s\n", n, w, b - a, g, s
        }' "/tmp/prof-$1.samples"
}
