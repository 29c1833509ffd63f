#!/bin/bash
# Fetch Debian bookworm's Xen 4.17, its toolstack and a dom0 kernel, unpacked
# (not installed) into a cache that outlives build/, so a second run is offline.
# Usage: fetch.sh [CACHE_DIR]    prints nothing but log lines; exit 0 when ready.
set -eu

CACHE=${1:-${XEN_CACHE:-$HOME/.cache/pvh-ktest-xen}}
DEBS=$CACHE/debs
ROOT=$CACHE/root
mkdir -p "$DEBS" "$ROOT"

PKGS="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common xenstore-utils
libxenmisc4.17 libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1
libxenstore4 libxentoollog1 libxentoolcore1 libxendevicemodel1 libxenhypfs1
libyajl2"

log() { echo "fetch: $*" >&2; }

# The kernel name changes with every Debian point release; the meta package
# knows it. Cache the answer so an offline second run does not need apt lists.
kpkg_file=$CACHE/linux-image.name
if [ ! -s "$kpkg_file" ]; then
    kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
           sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
    if [ -z "$kpkg" ]; then
        log "apt-cache knows no linux-image-amd64: running apt-get update"
        apt-get update -qq >&2
        kpkg=$(apt-cache depends linux-image-amd64 |
               sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
    fi
    [ -n "$kpkg" ] || { log "cannot resolve linux-image-amd64"; exit 1; }
    echo "$kpkg" > "$kpkg_file"
fi
PKGS="$PKGS $(cat "$kpkg_file")"

have_deb() { ls "$DEBS/$1"_*.deb >/dev/null 2>&1; }

missing=""
for p in $PKGS; do have_deb "$p" || missing="$missing $p"; done
if [ -n "$missing" ]; then
    log "downloading:$missing"
    # apt-get download writes into the current directory.
    if ! (cd "$DEBS" && apt-get download -q -o APT::Sandbox::User=root $missing >&2); then
        log "download failed: running apt-get update and retrying"
        apt-get update -qq >&2
        (cd "$DEBS" && apt-get download -q -o APT::Sandbox::User=root $missing >&2)
    fi
fi

# Unpack each .deb once; a stamp per .deb makes a half-finished unpack redo itself.
versions=""
for p in $PKGS; do
    deb=$(ls "$DEBS/$p"_*.deb | sort -V | tail -n1)
    stamp=$ROOT/.unpacked.$(basename "$deb")
    if [ ! -e "$stamp" ]; then
        dpkg -x "$deb" "$ROOT"
        touch "$stamp"
    fi
    v="$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)"
    log "$v"
    versions="$versions$v
"
done

# Sanity: the three things the boot needs.
ls "$ROOT"/boot/xen-4.17-amd64.gz "$ROOT"/boot/vmlinuz-* "$ROOT"/usr/lib/xen-4.17/bin/xl >/dev/null
# Rewritten only on change: make rebuilds the initramfs when this is newer.
if [ "$(cat "$CACHE/versions" 2>/dev/null)" != "$(printf %s "$versions")" ]; then
    printf %s "$versions" > "$CACHE/versions"
fi
log "ready in $CACHE"
