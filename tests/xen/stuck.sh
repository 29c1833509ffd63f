# What a guest that stopped answering was doing, for the log (sourced by
# tests/xen/group.sh; called when a wait for a domain times out).  The
# hostile frontend of the driver-domain groups hung now and then halted in
# wait_until() with no timer interrupt (DD-NOTES, 19:55 UTC); a register
# dump alone could not say whether the event was lost in Xen, masked in the
# guest or never asked for, so this takes all three views:
#  - the vCPU: xenctx registers and a stack trace, twice a second apart
#    (looping or halted?), named from /guest/NAME.map (nm of that kernel);
#  - the guest's own state, read from its memory (xenctx -m): the timer
#    list and the deadline at its head, the clock's last value, timer
#    interrupts counted, the event-channel pending/mask words and vcpu_info
#    (upcall pending, selector) in shared info;
#  - Xen's view: debug keys e (event channels: pending/masked per port),
#    q (vCPUs: upcall pending, pause flags), a (timer queues: is the
#    vCPU's single-shot timer armed, for when, and Xen's NOW); they print
#    on Xen's console (serial.log), and `xl dmesg`'s tail here.
# Reading the words: ktest-dd: peek DOM SYMBOL+OFF = 0x... (8-byte words).

# The kernel a domain's config boots, its symbol map beside it.
stuck_map() { # DOM
    local k
    k=$(sed -n 's/^kernel *= *"\(.*\)"$/\1/p' "/etc/ktest/$GNAME/$1.cfg")
    echo "${k%.elf}.map"
}

# The address of SYMBOL (a data or bss object) in MAP, or nothing.
stuck_sym() { # MAP SYMBOL
    awk -v s="$2" '$3 == s && $2 ~ /^[bBdD]$/ { print $1; exit }' "$1" 2>/dev/null
}

# N 8-byte words of DOMID's memory at ADDR (hex, no 0x), one line each.
stuck_words() { # DOMID ADDR N
    timeout 5 xenctx -k 0 -t -b 8 -l "$3" -m "0x$2" "$1" 0 2>&1 |
        sed -n 's/^ *\([0-9a-f]*\): *\([0-9a-f]*\).*/\2/p' | head -n "$3"
}

# Print N words at SYMBOL+OFF (OFF in bytes, decimal) of DOM.
stuck_peek() { # DOM DOMID MAP SYMBOL OFF N
    local a w i=0
    a=$(stuck_sym "$3" "$4")
    [ -n "$a" ] || { gsay "peek $1 $4: not in $3"; return; }
    a=$(printf '%x' $((0x$a + $5)))
    for w in $(stuck_words "$2" "$a" "$6"); do
        gsay "peek $1 $4+$(($5 + i * 8)) = 0x$w"
        i=$((i + 1))
    done
    [ $i -gt 0 ] || gsay "peek $1 $4+$5: xenctx read nothing"
}

# The pointer stored at SYMBOL, as hex without 0x (or nothing).
stuck_ptr() { # DOMID MAP SYMBOL
    local a
    a=$(stuck_sym "$2" "$3")
    [ -n "$a" ] && stuck_words "$1" "$a" 1
}

stuck_dump() { # DOM
    local d=$1 id map i si head
    id=$(gget "$d" domid)
    map=$(stuck_map "$d")
    gsay "stuck $d (domid $id, symbols $map): registers, its memory, Xen's view"
    for i in 1 2; do
        timeout 5 xenctx -k 0 -l 8 -s "$map" -S "$id" 0 2>&1 |
            head -n 40 | sed "s/^/ktest-dd: xenctx $d: /"
        sleep 1
    done
    # kernel/timer.c: the list head (next, prev) and the clock; pvclock.c.
    stuck_peek "$d" "$id" "$map" timers 0 2
    head=$(stuck_ptr "$id" "$map" timers)
    # struct timer { deadline; fn; node; armed }: node at +16.
    for i in 1 2 3; do
        [ -n "$head" ] && [ "$head" != "$(stuck_sym "$map" timers)" ] || break
        gsay "timer list entry $i at 0x$head (deadline, fn, next, prev)"
        stuck_words "$id" "$(printf '%x' $((0x$head - 16)))" 4 |
            sed "s/^/ktest-dd: peek $d timer$i word /"
        head=$(stuck_words "$id" "$head" 1)
    done
    for i in last_ns program_errors timer_irqs retries timer_port backoff_timer \
        in_handler; do
        stuck_peek "$d" "$id" "$map" $i 0 1
    done
    # kernel/xen/evtchn.c: counters (struct evtchn_stats), port pages.
    stuck_peek "$d" "$id" "$map" stats 0 6
    # shared info: vcpu_info[0] (upcall pending/mask byte 0-1, selector,
    # time info) and the first 4 pending then mask words (ports 0-255).
    si=$(stuck_ptr "$id" "$map" xen_shared_info)
    if [ -n "$si" ]; then
        gsay "shared info at 0x$si: vcpu_info[0] (8 words: upcall bytes, selector, arch, time info), pending[0..3], mask[0..3]"
        stuck_words "$id" "$si" 8 | sed "s/^/ktest-dd: peek $d vcpu_info /"
        stuck_words "$id" "$(printf '%x' $((0x$si + 2048)))" 4 | sed "s/^/ktest-dd: peek $d pending /"
        stuck_words "$id" "$(printf '%x' $((0x$si + 2560)))" 4 | sed "s/^/ktest-dd: peek $d mask /"
    fi
    xl dmesg -c >/dev/null 2>&1
    for i in e q a; do
        gsay "xl debug-keys $i (output on Xen's console)"
        timeout 10 xl debug-keys $i
        sleep 1
    done
    timeout 10 xl dmesg 2>&1 | grep -E "domain $id|d${id}v|NOW|singleshot|Dumping timer|CPU0|CPU1|^ +[0-9]+ \[" |
        tail -n 60 | sed "s/^/ktest-dd: xl dmesg: /"
}
