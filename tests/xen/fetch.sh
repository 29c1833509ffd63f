#!/bin/bash
# Fetch a Debian Xen, its toolstack and a dom0 kernel, unpacked (not
# installed) into a cache that outlives build/, so a second run is offline.
#   4.17: bookworm (the machine's own apt set-up), into CACHE/{debs,root}
#   4.20: trixie, into CACHE/4.20/{debs,root}, through an apt configuration
#         of its own (CACHE/4.20/apt: sources, lists, archives) that leaves
#         the machine's untouched; the 4.20 tools need trixie's C library,
#         so libc6 and friends come along and dom0 gets them (mkinitramfs.sh)
# Usage: fetch.sh [CACHE_DIR] [4.17|4.20]   log lines only; exit 0 when ready.
set -eu

BASE=${1:-${XEN_CACHE:-$HOME/.cache/pvh-ktest-xen}}
V=${2:-4.17}
log() { echo "fetch: $*" >&2; }

XENPKGS="xen-hypervisor-$V-amd64 xen-utils-$V xen-utils-common xenstore-utils
libxenmisc$V libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1
libxenstore4 libxentoollog1 libxentoolcore1 libxendevicemodel1 libxenhypfs1
libyajl2"
case $V in
4.17) CACHE=$BASE SUITE=bookworm APT=() PKGS=$XENPKGS ;;
4.20)
    CACHE=$BASE/$V SUITE=trixie
    # bash and flock come from the host but run on trixie's libc in dom0:
    # libtinfo6 is bash's; libgcc-s1 is dlopened by glibc (pthread_cancel);
    # libxenguest wants liblzma5, zlib1g, libzstd1; libxenlight libuuid1.
    PKGS="$XENPKGS libc6 libgcc-s1 libtinfo6 liblzma5 zlib1g libzstd1 libuuid1"
    A=$CACHE/apt
    mkdir -p "$A/lists/partial" "$A/archives/partial" "$A/parts"
    # The archive the machine already uses (never a host name written here):
    # the first URI of a source that names bookworm.
    uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
          awk '/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ && u { print u; exit }')
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' \
                           /etc/apt/sources.list 2>/dev/null)
    [ -n "$uri" ] || { log "no bookworm archive in the machine's apt sources"; exit 1; }
    src="Types: deb
URIs: $uri
Suites: $SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
    [ "$(cat "$A/trixie.sources" 2>/dev/null)" = "$src" ] || echo "$src" > "$A/trixie.sources"
    APT=(-o Dir::Etc::SourceList="$A/trixie.sources" -o Dir::Etc::SourceParts="$A/parts"
         -o Dir::State::Lists="$A/lists" -o Dir::Cache="$A" -o Dir::Cache::archives="$A/archives"
         -o Dir::State::status=/dev/null)
    ;;
*) log "Xen $V: only 4.17 (bookworm) and 4.20 (trixie)"; exit 2 ;;
esac
DEBS=$CACHE/debs
ROOT=$CACHE/root
mkdir -p "$DEBS" "$ROOT"
update() { log "apt-get update ($SUITE)"; apt-get "${APT[@]}" update -qq >&2; }

# The kernel name changes with every Debian point release; the meta package
# knows it. Cache the answer so an offline second run does not need apt lists.
kdep() { apt-cache "${APT[@]}" depends linux-image-amd64 2>/dev/null |
         sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1; }
kpkg_file=$CACHE/linux-image.name
if [ ! -s "$kpkg_file" ]; then
    kpkg=$(kdep)
    if [ -z "$kpkg" ]; then
        log "apt-cache knows no linux-image-amd64 ($SUITE)"
        update
        kpkg=$(kdep)
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
    if ! (cd "$DEBS" && apt-get "${APT[@]}" download -q -o APT::Sandbox::User=root $missing >&2); then
        log "download failed: retrying after an update"
        update
        (cd "$DEBS" && apt-get "${APT[@]}" download -q -o APT::Sandbox::User=root $missing >&2)
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
ls "$ROOT"/boot/xen-$V-amd64.gz "$ROOT"/boot/vmlinuz-* "$ROOT"/usr/lib/xen-$V/bin/xl >/dev/null
# Rewritten only on change: make rebuilds the initramfs when this is newer.
if [ "$(cat "$CACHE/versions" 2>/dev/null)" != "$(printf %s "$versions")" ]; then
    printf %s "$versions" > "$CACHE/versions"
fi
log "ready in $CACHE"
