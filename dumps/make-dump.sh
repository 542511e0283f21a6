#!/bin/bash
# make-dump.sh - build a real kernel crash-dump fixture for xportshow.
#
#   dumps/make-dump.sh SUITE [--scenario default|big|vxlan|host] [--out DIR] [--mem MIB] [--keep-elf]
#                      [--pairs N]   (big: N established loopback pairs, default 10000)
#   dumps/make-dump.sh SUITE [--scenario ...] [--out DIR] --meta-only   (rewrite meta.json)
#
#   SUITE: bullseye (5.10) | bookworm (6.1) | trixie (6.12) | sid (7.x, unfiltered)
#   scenario host also needs the host's iproute2 nftables conntrack iptables.
#
# Needs root and, on Debian: qemu-system-x86 busybox-static makedumpfile kmod
# cpio gcc libc6-dev binutils xz-utils zstd (python3 is NOT needed).
# Downloads and intermediate files are cached under dumps/work/ (gitignored);
# re-running reuses the downloaded kernel and rebuilds everything else.
#
# Steps: fetch the Debian kernel .deb with a private apt configuration
# (the host's apt sources are never used or modified), build a busybox
# initramfs with sockmix (guest/sockmix.c) and the needed modules, boot it
# under QEMU/TCG with KASLR on, collect the ground truth the guest prints on
# its second serial port, dump guest memory over QMP (ELF and kdump-zlib),
# post-process with makedumpfile and write the fixture directory.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$here/work

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage
suite=$1; shift
scenario=default; out=""; mem=""; keep_elf=0; meta_only=0; pairs=10000
while [ $# -gt 0 ]; do
  case $1 in
    --scenario) scenario=$2; shift 2 ;;
    --scenario=*) scenario=${1#*=}; shift ;;
    --out) out=$2; shift 2 ;;
    --out=*) out=${1#*=}; shift ;;
    --mem) mem=$2; shift 2 ;;
    --keep-elf) keep_elf=1; shift ;;
    --pairs) pairs=$2; shift 2 ;;
    --pairs=*) pairs=${1#*=}; shift ;;
    --meta-only) meta_only=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
done
case $scenario in default|big|vxlan|host) ;; *) echo "scenario must be default, big, vxlan or host" >&2; exit 2 ;; esac

# per-suite choices: fixture dir name and makedumpfile compression
case $suite in
  bullseye) fixname=bullseye-5.10; comp=lzo ;;
  bookworm) fixname=bookworm-6.1;  comp=zlib ;;
  trixie)   fixname=trixie-6.12;   comp=zstd ;;
  sid)      fixname=sid;           comp=zlib ;;   # named sid-<major.minor> once the kernel is known
  *) echo "unknown suite $suite" >&2; exit 2 ;;
esac
case $pairs in ''|*[!0-9]*) echo "--pairs takes a number" >&2; exit 2 ;; esac
# big: 10,000 pairs fit in 768 MiB; about 22 KiB of guest memory per pair beyond that
if [ -z "$mem" ]; then
  if [ "$scenario" = big ]; then mem=$(( pairs > 10000 ? 768 + (pairs - 10000) * 22 / 1024 : 768 )); else mem=192; fi
fi
# the run directory and the default fixture name carry a pair count other than 10,000
bigsfx=""; [ "$scenario" = big ] && [ "$pairs" != 10000 ] && bigsfx=-$(( pairs * 2 / 1000 ))k
out_auto=0
if [ -z "$out" ]; then
  out_auto=1
  case $scenario in
    big) out=$here/big/$fixname$bigsfx ;;
    vxlan) out=$here/$fixname-vxlan ;;   # default + VXLAN/GENEVE tunnel sockets
    host) out=$here/$fixname-host ;;     # default + routing, devices, qdiscs, firewall, drops
    *) out=$here/$fixname ;;
  esac
fi
[ "$(id -u)" = 0 ] || { echo "run as root (apt-get download, QEMU is fine as root)" >&2; exit 1; }
for t in qemu-system-x86_64 makedumpfile modinfo cpio gcc objcopy readelf zstd xz gzip dpkg-deb apt-get; do
  command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && file -L "$busybox" 2>/dev/null | grep -q 'statically linked' \
  || busybox=/bin/busybox
file -L "$busybox" | grep -q 'statically linked' || { echo "need busybox-static" >&2; exit 1; }

say() { echo "[make-dump $suite/$scenario] $*" >&2; }
mkdir -p "$work"

# ---------------------------------------------------------------- makedumpfile
# Debian 12's makedumpfile 1.7.2 has zlib and lzo only (snappy and zstd
# disabled).  Debian 13's 1.7.6 has zstd, needs only glibc >= 2.34 and runs
# with Debian 12's libdw/libelf/libzstd: fetch that binary (no install).
# No Debian makedumpfile has snappy enabled.
mdf_supports() { "$1" -v 2>&1 | grep -qE "^$2[[:space:]]+enabled"; }
MDF=makedumpfile
fetch_makedumpfile() { # get a makedumpfile with zstd
  local d=$work/makedumpfile-trixie
  if [ ! -x "$d/root/usr/bin/makedumpfile" ]; then
    say "fetching Debian 13's makedumpfile (for zstd)"
    rm -rf "$d"; mkdir -p "$d/debs"
    apt_private trixie update >/dev/null 2>&1 || return 1
    (cd "$d/debs" && apt_private trixie download makedumpfile >/dev/null 2>&1) || return 1
    dpkg-deb -x "$d"/debs/makedumpfile_*.deb "$d/root"
  fi
  mdf_supports "$d/root/usr/bin/makedumpfile" zstd || return 1
  MDF=$d/root/usr/bin/makedumpfile
}

# ---------------------------------------------------------------- private apt
apt_private() { # SUITE apt-args...
  local s=$1; shift
  local a=$work/apt-$s
  mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
  local mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
  local sec=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
  if [ ! -e "$a/sources.list" ]; then
    if [ "$s" = sid ]; then   # unstable has no -updates/-security suites
      printf '%s\n' "deb [arch=amd64] $mirror $s main" > "$a/sources.list"
    else
      printf '%s\n' \
        "deb [arch=amd64] $mirror $s main" \
        "deb [arch=amd64] $mirror $s-updates main" \
        "deb [arch=amd64] $sec $s-security main" > "$a/sources.list"
    fi
  fi
  local opts=(-o Dir::Etc::sourcelist="$a/sources.list" -o Dir::Etc::sourceparts=-
              -o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache"
              -o Dir::Cache::Archives="$a/cache/archives" -o Dir::State::status=/dev/null
              -o APT::Architecture=amd64 -o Acquire::Languages=none -o Debug::NoLocking=1
              -o APT::Get::AllowUnauthenticated=false)
  if [ "$1" = cache ]; then shift; apt-cache "${opts[@]}" "$@"; else apt-get -q "${opts[@]}" "$@"; fi
}

# ---------------------------------------------------------------- 1. kernel
kdir=$work/$suite/kernel
if [ ! -e "$kdir/.done" ]; then
  say "fetching the $suite kernel"
  apt_private "$suite" update >/dev/null
  dep=$(apt_private "$suite" cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
  [ -n "$dep" ] || { echo "cannot resolve linux-image-amd64 in $suite" >&2; exit 1; }
  pkg=${dep%-unsigned}-unsigned
  ver=$(apt_private "$suite" cache show "$pkg" 2>/dev/null | awk '/^Version:/{print $2; exit}' || true)
  if [ -z "$ver" ]; then pkg=$dep; ver=$(apt_private "$suite" cache show "$pkg" | awk '/^Version:/{print $2; exit}'); fi
  mkdir -p "$work/$suite/debs"; rm -f "$work/$suite"/debs/*.deb
  (cd "$work/$suite/debs" && apt_private "$suite" download "$pkg=$ver" >/dev/null)
  # newer kernels split the image: linux-image-ABI only depends on
  # linux-binary-ABI (vmlinuz) and linux-modules-ABI; fetch those too
  for part in $(apt_private "$suite" cache show "$pkg=$ver" | awk '/^Depends:/{print; exit}' \
                | grep -oE 'linux-(binary|modules)-[^ ,]+' | sort -u); do
    (cd "$work/$suite/debs" && apt_private "$suite" download "$part=$ver" >/dev/null)
  done
  rm -rf "$kdir"; mkdir -p "$kdir"
  for d in "$work/$suite"/debs/*.deb; do dpkg-deb -x "$d" "$kdir"; done
  echo "$pkg" > "$kdir/.package"; echo "$ver" > "$kdir/.debversion"
  touch "$kdir/.done"
fi
# 7.x packages put the image at /usr/lib/modules/<release>/vmlinuz
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* "$kdir"/usr/lib/modules/*/vmlinuz 2>/dev/null | head -1 || true)
[ -n "$vmlinuz" ] || { echo "no vmlinuz in $kdir" >&2; exit 1; }
case $vmlinuz in
  */boot/vmlinuz-*) krel=${vmlinuz##*/vmlinuz-} ;;
  *) krel=$(basename "$(dirname "$vmlinuz")") ;;
esac
debver=$(cat "$kdir/.debversion")
moddir=$(ls -d "$kdir"/lib/modules/"$krel" "$kdir"/usr/lib/modules/"$krel" 2>/dev/null | head -1 || true)
say "kernel $krel (deb $debver)"
if [ "$fixname" = sid ]; then
  fixname=sid-$(echo "$krel" | cut -d. -f1-2)
  if [ "$out_auto" = 1 ]; then
    case $scenario in big) out=$here/big/$fixname$bigsfx ;; default) out=$here/$fixname ;; *) out=$here/$fixname-$scenario ;; esac
  fi
fi

# vmlinux out of the bzImage (for the build-id, and .BTF on bullseye)
vmlinux=$work/$suite/vmlinux
if [ ! -s "$vmlinux" ]; then
  say "extracting vmlinux from the bzImage"
  for magic in '\xfd\x37\x7a\x58\x5a\x00:xz -dc' '\x28\xb5\x2f\xfd:zstd -dc' '\x1f\x8b\x08\x00:gzip -dc'; do
    pat=${magic%%:*}; cmd=${magic#*:}
    # every offset of the magic; the first that decompresses to an ELF wins
    for off in $(LC_ALL=C grep -obUaP "$pat" "$vmlinuz" | cut -d: -f1); do
      tail -c +$((off+1)) "$vmlinuz" | $cmd > "$vmlinux.tmp" 2>/dev/null || true
      if [ "$(head -c 4 "$vmlinux.tmp" | od -A n -t x1 | tr -d ' ')" = 7f454c46 ]; then
        mv "$vmlinux.tmp" "$vmlinux"; break 2
      fi
    done
  done
  rm -f "$vmlinux.tmp"
  [ -s "$vmlinux" ] || { echo "could not extract vmlinux" >&2; exit 1; }
fi
buildid=$(readelf -n "$vmlinux" | awk '/Build ID/{print $3}' | head -1)
say "vmlinux build-id $buildid"

run=$work/$suite/$scenario$bigsfx
if [ "$meta_only" = 1 ]; then
  [ -f "$out/meta.json" ] || { echo "no $out/meta.json" >&2; exit 1; }
  comp=$(sed -n 's/.*"compression": "\([^"]*\)".*/\1/p' "$out/meta.json")
  mem=$(sed -n 's/.*"guestMemMiB": \([0-9]*\).*/\1/p' "$out/meta.json")
  created=$(sed -n 's/.*"created": "\([^"]*\)".*/\1/p' "$out/meta.json")
  mdfver=$(sed -n 's/.*"makedumpfile": "\([^"]*\)".*/\1/p' "$out/meta.json")
else
# ---------------------------------------------------------------- 2. initramfs
rm -rf "$run"; mkdir -p "$run"
root=$run/initramfs
mkdir -p "$root"/{bin,sbin,proc,sys,dev,run,tmp,etc,lib/modules}
cp "$busybox" "$root/bin/busybox"
for app in $("$busybox" --list); do
  [ "$app" = busybox ] || ln -sf busybox "$root/bin/$app"
done
gcc -static -O2 -Wall -o "$root/bin/sockmix" "$here/guest/sockmix.c"
cp "$here/guest/init.sh" "$root/init"; chmod 755 "$root/init"
echo "root:x:0:0:root:/:/bin/sh" > "$root/etc/passwd"

# modules and their dependencies (no modules.dep in the .deb: use modinfo)
declare -A seen=()
order=()
find_ko() { find "$moddir/kernel" -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" 2>/dev/null | head -1; }
add_mod() {
  local m=${1//-/_} f
  [ -n "${seen[$m]:-}" ] && return 0
  seen[$m]=1
  f=$(find_ko "$m")
  [ -z "$f" ] && f=$(find_ko "${1//_/-}")
  if [ -z "$f" ]; then
    grep -qE "/$m\.ko" "$moddir/modules.builtin" 2>/dev/null || say "module $m not found (built in?)"
    return 0
  fi
  local deps; deps=$(modinfo -F depends "$f" 2>/dev/null | tr ',' ' ')
  for d in $deps; do add_mod "$d"; done
  local base=${f##*/}
  case $f in
    *.ko.xz)  xz -dc "$f" > "$root/lib/modules/${base%.xz}"; base=${base%.xz} ;;
    *.ko.zst) zstd -qdc "$f" > "$root/lib/modules/${base%.zst}"; base=${base%.zst} ;;
    *)        cp "$f" "$root/lib/modules/$base" ;;
  esac
  order+=("$base")
}
for m in qemu_fw_cfg virtio_pci virtio_net dummy veth 8021q bridge af_packet; do add_mod $m; done
if [ "$scenario" = vxlan ]; then for m in vxlan geneve; do add_mod $m; done; fi
if [ "$scenario" = host ]; then
  # qdiscs, then netfilter: crc32c_generic first (libcrc32c only soft-depends
  # on a crc32c driver; a built-in library on 7.x); names differ per kernel
  # (nft_counter/nft_objref/nf_log_ipv4 on 5.10, nf_log_syslog and
  # nfnetlink_hook later): missing ones are reported and skipped
  for m in sch_tbf sch_prio sch_ingress sch_netem sch_fq_codel sch_mq \
           crc32c_generic nfnetlink nf_defrag_ipv4 nf_defrag_ipv6 nf_conntrack nf_nat \
           nf_conntrack_netlink nf_tables nft_counter nft_objref nft_ct nft_limit nft_log \
           nft_reject nft_reject_ipv4 nft_reject_ipv6 nft_reject_inet nft_chain_nat nft_nat nft_masq \
           nf_log_common nf_log_ipv4 nf_log_ipv6 nf_log_syslog nfnetlink_hook \
           x_tables ip_tables ip6_tables iptable_filter iptable_nat iptable_mangle \
           ip6table_filter ip6table_mangle xt_tcpudp xt_conntrack xt_comment xt_state \
           xt_MASQUERADE xt_nat xt_mark xt_limit xt_multiport; do add_mod $m; done
  # Debian's userspace from the host (same Debian release as the builder):
  # binaries, what ldd lists (ld-linux and libc included), plugins, config
  for t in /usr/sbin/ip /usr/sbin/tc /usr/sbin/nft /usr/sbin/conntrack /usr/sbin/xtables-legacy-multi; do
    [ -x "$t" ] || { echo "scenario host needs $t (apt-get install iproute2 nftables conntrack iptables)" >&2; exit 1; }
  done
  mkdir -p "$root/usr/sbin" "$root/usr/lib" "$root/etc"
  cp /usr/sbin/ip /usr/sbin/tc /usr/sbin/nft /usr/sbin/conntrack /usr/sbin/xtables-legacy-multi "$root/usr/sbin/"
  for l in iptables-legacy iptables-legacy-save iptables-legacy-restore ip6tables-legacy \
           ip6tables-legacy-save ip6tables-legacy-restore; do ln -sf xtables-legacy-multi "$root/usr/sbin/$l"; done
  xtdir=$(dirname "$(ls /usr/lib/*/xtables/libxt_comment.so | head -1)")
  mkdir -p "$root$xtdir"; cp "$xtdir"/lib*.so "$root$xtdir/"
  [ -d /usr/lib/tc ] && cp -r /usr/lib/tc "$root/usr/lib/"
  for f in $(for b in "$root"/usr/sbin/{ip,tc,nft,conntrack,xtables-legacy-multi} "$root$xtdir"/*.so; do ldd "$b" 2>/dev/null; done \
             | grep -oE '/[^ ]+\.so[^ ]*' | sort -u); do
    mkdir -p "$root$(dirname "$f")"; cp -L "$f" "$root$f"
  done
  cp -r /etc/iproute2 "$root/etc/"
  cp /etc/protocols /etc/services "$root/etc/"
  cp "$here/guest/host.sh" "$root/host.sh"
  chroot "$root" /usr/sbin/nft --version >/dev/null && chroot "$root" /usr/sbin/ip -V >/dev/null \
    && chroot "$root" /usr/sbin/iptables-legacy -V >/dev/null && chroot "$root" /usr/sbin/conntrack --version >/dev/null \
    || { echo "the copied userspace does not run in the initramfs" >&2; exit 1; }
fi
printf '%s\n' "${order[@]}" > "$root/modules.order"
say "modules: ${order[*]}"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -6) > "$run/initrd.gz"

# ---------------------------------------------------------------- 3. boot
append="console=ttyS0 panic=-1 init_on_free=1 xps.scenario=$scenario"
[ "$scenario" = big ] && append="$append xps.pairs=$pairs"
[ "$suite" = bullseye ] && append="$append xps.kallsyms=1"
port=$(( 20000 + RANDOM % 20000 ))
say "booting ($mem MiB, 2 CPUs, QMP on 127.0.0.1:$port)"
qemu-system-x86_64 -accel tcg,thread=single -cpu max,la57=off -m "${mem}M" -smp 2 \
  -nodefaults -display none -no-reboot \
  -kernel "$vmlinuz" -initrd "$run/initrd.gz" -append "$append" \
  -device vmcoreinfo \
  -serial "file:$run/console.log" -serial "file:$run/truth.raw" \
  -qmp "tcp:127.0.0.1:$port,server=on,wait=off" \
  -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0 \
  > "$run/qemu.log" 2>&1 &
qpid=$!
cleanup() { kill "$qpid" 2>/dev/null || true; }
trap cleanup EXIT

deadline=$((SECONDS + 600 + ${pairs:-0} / 40))
until grep -q '^@@@ READY' "$run/truth.raw" 2>/dev/null; do
  if ! kill -0 "$qpid" 2>/dev/null; then
    echo "QEMU exited early; see $run/console.log" >&2; tail -20 "$run/console.log" >&2; exit 1
  fi
  [ $SECONDS -lt $deadline ] || { echo "timeout waiting for the guest; see $run/console.log" >&2; exit 1; }
  sleep 1
done
say "guest ready after ${SECONDS}s"

# ---------------------------------------------------------------- 4. dump over QMP
exec 5<>"/dev/tcp/127.0.0.1/$port"
qmp() { # send one command, wait for its return (events are skipped)
  local line
  printf '%s\n' "$1" >&5
  while IFS= read -r -t 900 line <&5; do
    case $line in
      *'"return"'*) return 0 ;;
      *'"error"'*) echo "QMP error: $line" >&2; return 1 ;;
    esac
  done
  echo "QMP: no answer to $1" >&2; return 1
}
IFS= read -r -t 30 greeting <&5
qmp '{"execute":"qmp_capabilities"}'
qmp '{"execute":"stop"}'
rm -f "$run/vmcore.elf" "$run/vmcore.qemu-kdump-zlib"
qmp "{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":false,\"protocol\":\"file:$run/vmcore.elf\",\"format\":\"elf\"}}"
qmp "{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":false,\"protocol\":\"file:$run/vmcore.qemu-kdump-zlib\",\"format\":\"kdump-zlib\"}}"
printf '%s\n' '{"execute":"quit"}' >&5 2>/dev/null || true
exec 5>&-
wait "$qpid" 2>/dev/null || true
trap - EXIT
say "dumped: $(stat -c %s "$run/vmcore.elf") bytes ELF, $(stat -c %s "$run/vmcore.qemu-kdump-zlib") bytes kdump-zlib"

# ---------------------------------------------------------------- 5. truth
tr -d '\r' < "$run/truth.raw" > "$run/truth.clean"
awk '/^@@@ XPORTSHOW-TRUTH/{on=1} on && /^@@@ BEGIN kallsyms$/{skip=1; next}
     skip && /^@@@ END kallsyms$/{skip=0; next} on && !skip {print} /^@@@ READY/{exit}' \
  "$run/truth.clean" > "$run/truth.txt"
if [ "$suite" = bullseye ]; then
  awk '/^@@@ BEGIN kallsyms$/{on=1; next} /^@@@ END kallsyms$/{exit} on{print}' "$run/truth.clean" > "$run/kallsyms"
  [ -s "$run/kallsyms" ] || { echo "no kallsyms in the truth" >&2; exit 1; }
  objcopy -O binary --only-section=.BTF "$vmlinux" "$run/vmlinux.btf"
fi

# ---------------------------------------------------------------- 6. makedumpfile
gcc -O2 -o "$work/elfphdr64" "$here/host/elfphdr64.c"
mkdir -p "$out"
rm -f "$out"/vmcore.* "$out"/truth.txt "$out"/meta.json "$out"/kallsyms "$out"/vmlinux.btf
if [ "$suite" = bookworm ] && [ "$scenario" = default ]; then
  say "zstd of the raw QEMU ELF"
  zstd -q -19 -T2 -f "$run/vmcore.elf" -o "$run/vmcore.elf.zst"
fi
"$work/elfphdr64" "$run/vmcore.elf" >/dev/null

case $comp in
  zlib) copt=-c ;;
  lzo) copt=-l ;;
  snappy|zstd)
    if ! mdf_supports "$MDF" "$comp"; then fetch_makedumpfile || say "could not get a makedumpfile with $comp"; fi
    if mdf_supports "$MDF" "$comp"; then
      if [ "$comp" = zstd ]; then copt=-z; else copt=-p; fi
    else
      say "makedumpfile lacks $comp: falling back to zlib"; comp=zlib; copt=-c
    fi ;;
esac
# 7.x is newer than any makedumpfile that runs here: its -d 31 filtering
# drops live slab pages.  Level 1 (zero pages only, found by content, stored
# once) keeps every other page; init_on_free=1 makes free pages zero.
dlevel=31; [ "$suite" = sid ] && dlevel=1
say "makedumpfile $copt -d $dlevel ($comp)"
"$MDF" --message-level 1 $copt -d $dlevel "$run/vmcore.elf" "$out/vmcore.kdump" >"$run/mdf.log" 2>&1 \
  || { cat "$run/mdf.log" >&2; exit 1; }
if [ "$suite" = bookworm ] && [ "$scenario" = default ]; then
  "$MDF" --message-level 1 -F -c -d 31 "$run/vmcore.elf" > "$out/vmcore.flat" 2>>"$run/mdf.log"
  "$MDF" --message-level 1 -E -d 31 "$run/vmcore.elf" "$run/vmcore.felf" >>"$run/mdf.log" 2>&1
  if [ "$(stat -c %s "$run/vmcore.felf")" -lt $((25*1024*1024)) ]; then cp "$run/vmcore.felf" "$out/"; else
    say "filtered ELF is $(stat -c %s "$run/vmcore.felf") bytes: not kept"; fi
  if [ "$(stat -c %s "$run/vmcore.elf.zst")" -lt $((40*1024*1024)) ]; then cp "$run/vmcore.elf.zst" "$out/"; else
    say "vmcore.elf.zst is $(stat -c %s "$run/vmcore.elf.zst") bytes: not kept"; fi
fi
if [ "$scenario" = big ] || [ "$keep_elf" = 1 ]; then :; fi
[ "$keep_elf" = 1 ] || rm -f "$run/vmcore.elf"   # 200+ MB; re-run with --keep-elf to keep it
cp "$run/truth.txt" "$out/"
[ "$suite" = bullseye ] && cp "$run/kallsyms" "$run/vmlinux.btf" "$out/"

# snappy: no Debian makedumpfile has it, so transcode the zlib file page by page
if [ "$suite" = bookworm ] && [ "$scenario" = default ]; then
  if gcc -O2 -o "$work/kdump-resnappy" "$here/host/kdump-resnappy.c" -lz -lsnappy 2>"$run/resnappy.log"; then
    "$work/kdump-resnappy" "$out/vmcore.kdump" "$out/vmcore.snappy.kdump" >>"$run/resnappy.log"
  else
    say "no snappy file (install libsnappy-dev and zlib1g-dev for it)"
  fi
fi
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
mdfver=$("$MDF" -v 2>&1 | awk '/version/{print $3; exit}')
fi  # meta_only

# ---------------------------------------------------------------- 7. meta.json
cpus=$(awk '/^@@@ BEGIN nproc$/{getline; print; exit}' "$out/truth.txt")
{
  printf '{\n'
  printf '  "suite": "%s",\n' "$suite"
  printf '  "scenario": "%s",\n' "$scenario"
  [ "$scenario" = big ] && printf '  "pairs": %s,\n' "$pairs"
  printf '  "kernelRelease": "%s",\n' "$krel"
  printf '  "debPackage": "%s",\n' "$(cat "$kdir/.package")"
  printf '  "debVersion": "%s",\n' "$debver"
  printf '  "compression": "%s",\n' "$comp"
  printf '  "dumpLevel": %s,\n' "${dlevel:-31}"
  printf '  "guestMemMiB": %s,\n' "$mem"
  printf '  "cpus": %s,\n' "${cpus:-2}"
  printf '  "buildId": "%s",\n' "$buildid"
  printf '  "qemu": "%s",\n' "$(qemu-system-x86_64 --version | awk 'NR==1{print $4}')"
  printf '  "makedumpfile": "%s",\n' "$mdfver"
  printf '  "created": "%s",\n' "$created"
  printf '  "files": {\n'
  first=1
  for f in "$out"/*; do
    n=${f##*/}; [ "$n" = meta.json ] && continue
    [ $first = 1 ] || printf ',\n'; first=0
    case $n in
      vmcore.kdump) fmt="kdump-compressed, $comp pages, makedumpfile -d ${dlevel:-31}" ;;
      vmcore.flat) fmt="makedumpfile flattened (-F), zlib pages, -d 31" ;;
      vmcore.snappy.kdump) fmt="kdump-compressed, snappy pages (vmcore.kdump transcoded)" ;;
      vmcore.felf) fmt="makedumpfile ELF (-E -d 31)" ;;
      vmcore.elf.zst) fmt="zstd of QEMU dump-guest-memory ELF (unfiltered, phdrs at 192)" ;;
      truth.txt) fmt="xportshow truth v1" ;;
      kallsyms) fmt="guest /proc/kallsyms" ;;
      vmlinux.btf) fmt="raw .BTF section of vmlinux" ;;
      *) fmt="" ;;
    esac
    printf '    "%s": { "bytes": %s, "sha256": "%s", "format": "%s" }' "$n" "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -d' ' -f1)" "$fmt"
  done
  printf '\n  }\n}\n'
} > "$out/meta.json"
chmod 644 "$out"/*
say "done: $out"
ls -l "$out" >&2
