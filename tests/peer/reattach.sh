#!/bin/sh
# dom0's side of netfront.backend_returns (scenarios nf-reattach and
# xsa465-reattach; tests/guest/netfront_vanish_test.c): the real toolstack
# and Linux netback take the guest's vif away twice and give it a new one.
# 1. xl network-detach (netback goes Closing, libxl removes the
#    directories), xl network-attach.
# 2. The backend's directory removed with no Closing (XSA-465: a backend
#    that removes the device), so Linux netback unregisters the vif; then
#    libxl's own record of the slot (or xl refuses the devid as in use)
#    and a new vif in the same slot, devid 0, where the guest looks.
# Each step waits for the guest's word in its data/ktest/reattach (ready,
# down, up, gone; 90 s each) instead of sleeping for fixed times.
# Usage: reattach DOMID
set -u
d=$1
w() {
    n=0
    until [ "$(xenstore-read /local/domain/$d/data/ktest/reattach 2>/dev/null)" = "$1" ]; do
        n=$((n + 1))
        [ $n -lt 450 ] && sleep 0.2 && continue
        echo "reattach: no $1 from the guest in 90 s"
        exit 1
    done
}
w ready
xl network-detach "$d" 0
w down
xl network-attach "$d" bridge=xenbr0
w up
be=$(xenstore-read "/local/domain/$d/device/vif/0/backend") || exit 1
echo "reattach: removing $be (no Closing)"
xenstore-rm "$be"
w gone
# The new vif takes the old one's name: wait (5 s at most) until netback
# has let the old one go.
n=0
while [ -e "/sys/class/net/vif$d.0" ] && [ $n -lt 50 ]; do
    n=$((n + 1))
    sleep 0.1
done
xenstore-rm "/libxl/$d/device/vif/0"
exec xl network-attach "$d" devid=0 bridge=xenbr0
