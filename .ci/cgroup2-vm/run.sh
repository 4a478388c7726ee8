#!/usr/bin/env bash
# Boots Debian's cloud kernel under qemu with cgroup v1 switched off
# (cgroup_no_v1=all), so the cgroup v2 code paths run on a real v2 kernel,
# and runs a command there. The guest is a busybox initramfs made on the fly
# holding only the files given, which land in /dockling/bin (on PATH).
#
#   run.sh [-t SECONDS] FILE... -- COMMAND [ARG...]
#   run.sh sandbox/cgroups/cgroups.test -- cgroups.test -test.v -test.run Integration
#
# The guest prints DOCKLING-VM-EXIT=<code> when COMMAND ends; this script
# exits with that code, or 125 when the guest never printed it (boot failure,
# kernel panic, timeout). Needs: qemu-system-x86, busybox-static, cpio,
# linux-image-cloud-amd64. Software emulation (-accel tcg) on purpose: KVM
# crashes guests on our build machines.
set -euo pipefail

timeout_s=${DOCKLING_VM_TIMEOUT:-900}
if [ "${1:-}" = "-t" ]; then
  timeout_s=$2
  shift 2
fi
files=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  files+=("$1")
  shift
done
if [ "${1:-}" != "--" ] || [ $# -lt 2 ]; then
  echo "usage: $0 [-t SECONDS] FILE... -- COMMAND [ARG...]" >&2
  exit 2
fi
shift

die() { echo "cgroup2-vm: $*" >&2; exit 125; }

kernel=$(find /boot -maxdepth 1 -name 'vmlinuz-*-cloud-amd64' | sort -V | tail -n 1)
[ -n "$kernel" ] || die "no Debian cloud kernel in /boot; install it: apt-get install linux-image-cloud-amd64"
kver=${kernel#/boot/vmlinuz-}
moddir=/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || die "$moddir/modules.dep missing; reinstall linux-image-$kver"
busybox=$(command -v busybox) || die "busybox not found; install it: apt-get install busybox-static"
ldd "$busybox" >/dev/null 2>&1 && die "$busybox is dynamically linked; install busybox-static"
command -v cpio >/dev/null || die "cpio not found; install it: apt-get install cpio"
command -v qemu-system-x86_64 >/dev/null || die "qemu not found; install it: apt-get install qemu-system-x86"

work=$(mktemp -d /tmp/dockling-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,etc,lib/modules,dockling/bin}
cp "$busybox" "$root/bin/busybox"

# --- files to run inside, and the shared libraries of any dynamic one
copy_libs() {
  local lib
  # ldd prints "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and
  # the interpreter as "/lib64/ld-linux-x86-64.so.2 (0x...)".
  for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true); do
    [ -e "$root$lib" ] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
for f in "${files[@]}"; do
  [ -f "$f" ] || die "file to include not found: $f"
  cp "$f" "$root/dockling/bin/"
  copy_libs "$f"
done

# --- kernel modules: the ones the container tests need, with their
# dependencies from modules.dep ("path: dep1 dep2", deps to load first last).
modules=(overlay veth bridge)
load_order=()
add_module() {
  local path=$1 dep line done_path i
  local -a deps
  for done_path in "${load_order[@]}"; do [ "$done_path" = "$path" ] && return; done
  line=$(grep -E "^${path}:" "$moddir/modules.dep") || die "module $path not in modules.dep"
  # modules.dep lists dependencies so that the last must be loaded first.
  read -r -a deps <<<"${line#*:}"
  for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
    dep=${deps[i]}
    add_module "$dep"
  done
  load_order+=("$path")
}
for m in "${modules[@]}"; do
  if grep -qE "/${m}\.ko$" "$moddir/modules.builtin"; then
    continue # built into this kernel: nothing to load
  fi
  path=$(grep -oE "^[^:]*/${m}\.ko(\.xz|\.zst|\.gz)?:" "$moddir/modules.dep" | tr -d :) ||
    die "module $m is neither built in nor in $moddir"
  add_module "$path"
done
: >"$root/lib/modules/load-order"
for path in "${load_order[@]}"; do
  name=$(basename "$path")
  base=${name%%.ko*}.ko
  # busybox insmod reads plain .ko files only: decompress here.
  case $name in
    *.ko.xz) xz -dc "$moddir/$path" >"$root/lib/modules/$base" ;;
    *.ko.zst) zstd -qdc "$moddir/$path" >"$root/lib/modules/$base" ;;
    *.ko.gz) gzip -dc "$moddir/$path" >"$root/lib/modules/$base" ;;
    *) cp "$moddir/$path" "$root/lib/modules/$base" ;;
  esac
  echo "$base" >>"$root/lib/modules/load-order"
done

# --- the command, quoted for sh so arguments with spaces survive
quoted=""
for arg in "$@"; do
  quoted+=" '${arg//\'/\'\\\'\'}'"
done
printf '%s\n' "$quoted" >"$root/dockling/cmd"

cat >"$root/init" <<'INIT'
#!/bin/busybox sh
# PID 1 of the test VM: mount the kernel filesystems, load modules, run the
# command, report its exit code on the console, power off.
#
# The initramfs is "rootfs", which pivot_root refuses to move (it is the
# bottom of every mount tree). Containers pivot_root, so first copy
# everything onto a tmpfs and make that the root, as distributions' early
# boot does with switch_root.
if [ ! -e /.switched ]; then
  /bin/busybox mkdir -p /newroot
  /bin/busybox mount -t tmpfs -o mode=755 root /newroot
  for d in /*; do
    [ "$d" = /newroot ] || /bin/busybox cp -a "$d" /newroot/
  done
  /bin/busybox touch /newroot/.switched
  exec /bin/busybox switch_root /newroot /init
fi
/bin/busybox --install -s /bin
export PATH=/dockling/bin:/bin HOME=/root
mount -t devtmpfs dev /dev
exec 0</dev/console 1>/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs tmp /tmp
# Terminals for run -it and exec -t: devpts, and /dev/ptmx through it.
mkdir -p /dev/pts && mount -t devpts -o ptmxmode=0666 devpts /dev/pts
[ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx
mkdir -p /run && mount -t tmpfs run /run
while read -r mod; do
  insmod "/lib/modules/$mod" || echo "dockling-vm: insmod $mod failed"
done </lib/modules/load-order
ip link set lo up
echo 'root:x:0:0:root:/root:/bin/sh' >/etc/passwd
echo 'root:x:0:' >/etc/group
export DOCKLING_ROOT=/tmp/dockling DOCKLING_EXPECT_CGROUP_MODE=v2
echo "dockling-vm: up after $(cut -d' ' -f1 /proc/uptime)s, kernel $(uname -r), cgroup controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
cd /dockling
sh -c "$(cat /dockling/cmd)"
code=$?
sync
echo "DOCKLING-VM-EXIT=$code"
poweroff -f
INIT
chmod 755 "$root/init" "$root"/dockling/bin/* 2>/dev/null || true
# The kernel opens /dev/console for init before devtmpfs is mounted.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$work/initrd.gz"

echo "cgroup2-vm: booting $kver with $(du -h "$work/initrd.gz" | cut -f1) initramfs (timeout ${timeout_s}s)"
start=$(date +%s)
log=$work/console.log
set +e
timeout "$timeout_s" qemu-system-x86_64 -accel tcg -m 1024 -smp 2 -nographic -no-reboot \
  -kernel "$kernel" -initrd "$work/initrd.gz" \
  -append 'console=ttyS0 cgroup_no_v1=all panic=-1 quiet' </dev/null | tee "$log"
qemu_status=${PIPESTATUS[0]}
set -e
echo "cgroup2-vm: guest ran $(($(date +%s) - start))s"

code=$(tr -d '\r' <"$log" | grep -a '^DOCKLING-VM-EXIT=' | tail -n 1 | cut -d= -f2 || true)
if [ -z "$code" ]; then
  [ "$qemu_status" -eq 124 ] && die "guest timed out after ${timeout_s}s without finishing"
  die "guest never reported an exit code (qemu exit $qemu_status); see the console output above"
fi
exit "$code"
