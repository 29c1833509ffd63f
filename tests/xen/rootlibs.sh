# Sourced by mkinitramfs.sh and linux/mkguest.sh: what dom0 (or the Linux
# client) needs to run ELF binaries taken from a fetched package root SRC
# (tests/xen/fetch.sh) and from the host.
#
# A root that brings its own C library (Xen 4.20 from trixie: glibc 2.41,
# newer than the host's) is resolved with its own dynamic loader, so every
# binary, the host's bash included, gets that root's libraries; otherwise
# (4.17 from bookworm, the host's release) the host's ldd, Xen's libraries
# from SRC first.

# The loader of SRC's C library, or nothing.
root_loader() {
    local l
    for l in "$1"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \
             "$1"/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2; do
        [ -e "$l" ] && { echo "$l"; return; }
    done
}

# root_ldd SRC ELF...: ldd-style output for each ELF.
root_ldd() {
    local src=$1 ld e lp
    shift
    lp=$src/usr/lib/x86_64-linux-gnu:$src/lib/x86_64-linux-gnu
    ld=$(root_loader "$src")
    for e; do
        if [ -n "$ld" ]; then "$ld" --library-path "$lp" --list "$e" 2>&1 || true
        else LD_LIBRARY_PATH=$lp ldd "$e" 2>&1 || true; fi
    done
}

# root_libs SRC ELF...: the library files they load, one a line; fails,
# naming them, when one is not found.
root_libs() {
    local out
    out=$(root_ldd "$@")
    if echo "$out" | grep -q 'not found'; then
        echo "$out" | grep 'not found' >&2
        return 1
    fi
    echo "$out" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u
}

# libgcc_s.so.1, which glibc dlopens for pthread_cancel (no ldd sees it).
root_libgcc() {
    if [ -n "$(root_loader "$1")" ]; then
        ls "$1"/usr/lib/x86_64-linux-gnu/libgcc_s.so.1 "$1"/lib/x86_64-linux-gnu/libgcc_s.so.1 \
            2>/dev/null | head -n1
    else
        ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/ { print $NF; exit }'
    fi
}

# The kernel modules directory of SRC (trixie keeps it under usr/).
root_moddir() {
    ls -d "$1"/lib/modules/*/ "$1"/usr/lib/modules/*/ 2>/dev/null | head -n1
}

# root_mod DIR NAME DEST: copy module NAME (.ko, or trixie's .ko.xz
# uncompressed: busybox insmod takes plain ELF) to DEST; its path on stdout.
root_mod() {
    local f
    f=$(find "$1/kernel" \( -name "$2.ko" -o -name "$(echo "$2" | tr _ -).ko" \
            -o -name "$2.ko.xz" -o -name "$(echo "$2" | tr _ -).ko.xz" \) | head -n1)
    [ -n "$f" ] || return 1
    case $f in
    *.xz) xz -dc "$f" > "$3" ;;
    *) cp "$f" "$3" ;;
    esac
    echo "$f"
}

# root_vmlinux SRC DEST: the ELF kernel inside SRC's bzImage (xz in
# bookworm, zstd in trixie) to DEST, kept when DEST is newer.  Whoever
# loads a bzImage under TCG pays for its decompression at every boot:
# Xen's PV dom0 builder took 6.2 s of each test-host boot ("Building a PV
# Dom0"), libxc about 6 s of each Linux domU's build.
# (The zstd tool for trixie: Python 3.11 has no zstd module.)
root_vmlinux() {
    local z
    z=$(ls "$1"/boot/vmlinuz-* | head -n1)
    [ -n "$z" ] || { echo "rootlibs: no boot/vmlinuz-* in $1" >&2; return 1; }
    [ "$2" -nt "$z" ] && return 0
    # Through a file of this process's own: builds side by side.
    python3 - "$z" "$2.$$" <<'PY' || { rm -f "$2.$$"; return 1; }
import lzma, subprocess, sys
data = open(sys.argv[1], 'rb').read()
xz, zst = data.find(b'\xfd7zXZ\x00'), data.find(b'\x28\xb5\x2f\xfd')
if xz >= 0:
    elf = lzma.LZMADecompressor().decompress(data[xz:])
elif zst >= 0:
    # The frame is followed by the bzImage's trailer: zstd complains about
    # it after writing the frame's output, so its status is not used.
    elf = subprocess.run(['zstd', '-dcq'], input=data[zst:], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout
else:
    sys.exit('rootlibs: no xz or zstd stream in %s' % sys.argv[1])
if elf[:4] != b'\x7fELF':
    sys.exit('rootlibs: the compressed stream of %s is not an ELF' % sys.argv[1])
open(sys.argv[2], 'wb').write(elf)
PY
    mv -f "$2.$$" "$2"
}
