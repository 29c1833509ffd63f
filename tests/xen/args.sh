# Command lines of Xen and of dom0 for the test host, shared by boot.sh
# (QEMU -kernel) and mkiso.sh (GRUB).  Sourced, not run.
# loglvl/guest_loglvl=all: guests' port 0xE9 lines reach the serial log.
# noreboot: a Xen panic stops QEMU (-no-reboot) instead of looping.
XEN_ARGS="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"
# XEN_DOM0_MEM (MiB, default 1024): for measuring side-by-side guests with
# more dom0 memory (tests/xen/README.md, "Several guests at once").
XEN_ARGS="$XEN_ARGS dom0_mem=${XEN_DOM0_MEM:-1024}M,max:${XEN_DOM0_MEM:-1024}M dom0_max_vcpus=1 noreboot"
# No commas here: QEMU splits -initrd at commas into multiboot modules.
# cryptomgr.notests: dom0's kernel skips its crypto self-tests, its
# slowest initcall under TCG (0.3 s a boot; tests/xen/README.md, "Per-row
# cost"): dom0's crypto is not what the test host tests.
DOM0_ARGS="console=hvc0 earlyprintk=xen loglevel=6 cryptomgr.notests"
# XEN_EXTRA_ARGS: more words for Xen's own command line (make test-xen-dd
# pins dom0's vCPU: tests/xen/dd.mk says why).
XEN_ARGS="$XEN_ARGS${XEN_EXTRA_ARGS:+ $XEN_EXTRA_ARGS}"
# XEN_DOM0_ARGS: more words for dom0's command line, e.g. the profile keys
# of tests/xen/init (ktest.profile=1, ktest.idle=S) or a Linux option to
# measure (tests/xen/README.md, "Where the emulated CPU goes").
DOM0_ARGS="$DOM0_ARGS${XEN_DOM0_ARGS:+ $XEN_DOM0_ARGS}"
