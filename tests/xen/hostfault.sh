#!/bin/sh
# hostfault.sh LOG: exit 0 when Xen's serial log shows an HVM guest vCPU
# dumped with Xen's own code selector (cs e008): the guest's saved state
# held the hypervisor's, a state no guest can be in.  Seen on the test
# host in multi-thread QEMU 7.2 (tests/xen/README.md, "the guest's saved
# state held Xen's registers"): RIP is the instruction after Xen's own
# VMRUN, rsp on Xen's stack; the vCPU then triple-faults in its first
# fetch.  That is QEMU's SVM emulation failing, not a verdict on the
# guest: dd.mk boots the groups once more and judges that boot alone.
# A fault in the guest's own code (cs 0008) is not this, and fails.
[ -r "$1" ] || exit 1
awk '/CONTEXT: hvm guest/ { hvm = 1; next }
     hvm && / cs: e008\r?$/ { found = 1; exit }
     /^\(XEN\) \*\*\* Dumping/ { hvm = 0 }
     END { exit !found }' "$1"
