#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, and nothing when it
# is all there already (so `make test` can call it every time).
set -euo pipefail

export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"
need=()
for pair in shellcheck:shellcheck iptables:iptables busybox:busybox-static cpio:cpio \
            qemu-system-x86_64:qemu-system-x86 runc:runc crun:crun nsenter:util-linux \
            hyperfine:hyperfine tmux:tmux ip:iproute2 mount:mount strace:strace man:man-db \
            vagrant:vagrant visudo:sudo curl:curl; do
  tool=${pair%%:*} pkg=${pair#*:}
  command -v "$tool" >/dev/null 2>&1 || need+=("$pkg")
done
# The cgroup v2 tests boot Debian's cloud kernel under qemu.
compgen -G '/boot/vmlinuz-*-cloud-amd64' >/dev/null || need+=(linux-image-cloud-amd64)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing ${need[*]}; run as root (sudo make test) to install them" >&2
    exit 1
  fi
  echo "deps: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v go >/dev/null 2>&1; then
  echo "deps: Go is not installed; install Go 1.26 or newer (https://go.dev/doc/install)" >&2
  exit 1
fi
go mod download
