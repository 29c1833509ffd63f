#!/bin/sh
# dom0's side of a netfront TX stall dump (nf-cycles-linux's
# netfront.connect_cycles_no_leak, tests/guest/netfront_cycles_test.c):
# when a cycle's frame goes unanswered, the guest writes "stall<S> c<C>"
# (stage, cycle) to its data/ktest/nfdiag and waits for "dumped<S> c<C>".
# Here, for that moment, what Linux netback itself sees of the connection:
# its debugfs ring view (xen-netback/vifD.0/io_ring_q0: req cons against
# prod, NAPI state), the vif's interrupt count, link state and bridge, the
# xenstore directories of both ends and dom0's log; Xen's own view of the
# event channels goes to its console (debug key e).  Stage 2 (after the guest's second notify)
# then kicks the queue through debugfs ("kick": netback runs its interrupt
# handler by hand) and dumps the ring again, which tells a lost or masked
# event (the kick serves the frame) from a queue that cannot run.
# Usage: nfdiag DOMID
set -u
d=$1
node=/local/domain/$d/data/ktest/nfdiag
dbg=/sys/kernel/debug
grep -q " $dbg debugfs" /proc/mounts || mount -t debugfs debugfs $dbg
vif=vif$d.0
ring=$dbg/xen-netback/$vif/io_ring_q0

# Every line of the dump starts with "nfdiag: " (tests/peer/README.md).
dump() {
	echo "--- $1: $vif, dom0 uptime $(cut -d' ' -f1 /proc/uptime)"
	cat "$ring" 2>&1
	grep -E "CPU|$vif" /proc/interrupts
	ip -s -d link show "$vif" 2>&1
	echo "carrier $(cat /sys/class/net/$vif/carrier 2>&1)" \
		"operstate $(cat /sys/class/net/$vif/operstate 2>&1)"
	be=$(xenstore-read /local/domain/$d/device/vif/0/backend)
	xenstore-ls -f "$be" 2>&1
	xenstore-ls -f /local/domain/$d/device/vif/0 2>&1
	# The device's event counters (events, spurious_events,
	# jiffies_eoi_delayed: Linux's lateeoi accounting, XSA-332).
	grep . /sys/bus/xen-backend/devices/vif-$d-0/* 2>/dev/null |
		grep -E "events|eoi|state|threshold"
	dmesg | tail -n 40
}

# Woken by the guest's writes only (a loop of xenstore-read forks would
# cost this PV dom0 under TCG more than the guests it serves).
last=
xenstore-watch "$node" | while read -r _; do
	v=$(xenstore-read "$node" 2>/dev/null) || continue
	[ "$v" != "$last" ] || continue
	last=$v
	case $v in
	stall*)
		dump "$v" 2>&1 | sed 's/^/nfdiag: /'
		xl debug-keys e
		case $v in
		stall2*)
			echo "nfdiag: kicking $ring"
			echo kick >"$ring"
			sleep 1
			dump "$v after the kick" 2>&1 | sed 's/^/nfdiag: /'
			;;
		esac
		xenstore-write "$node" "dumped${v#stall}"
		;;
	esac
done
