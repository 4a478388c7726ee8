#!/usr/bin/env bash
# Provisions a classroom VM for dockling: packages and a Go toolchain (the
# Vagrant-only part), then builds and installs dockling from the synced
# repository, runs `dockling doctor`, and preloads images so the class can
# start without a registry.
#
#   provision.sh [--local] [--repo DIR] [--prefix DIR] [--images DIR]
#                [--build-dir DIR] [--no-pull] [--pull-timeout SECONDS]
#
# --local (or DOCKLING_PROVISION_LOCAL=1) skips what only a fresh VM needs:
# repository fixes, package installs, the Go download, kernel settings and
# sudo's PATH.
# The rest then runs on any Linux host with Go, make and root, which is how
# the test runs it (vagrant/provision_integration_test.go).
#
# Images: every *.tar (or *.tar.gz) in the images directory, made with
# `dockling save`, is loaded; without any, busybox is pulled if a registry
# answers within --pull-timeout. Then a first container is started, which
# builds the built-in hostbox from the VM's own binaries: the tour and the
# steps use it, and it needs no network.
set -euo pipefail

# The Go release that matches go.mod's `go` line, and the SHA-256 of its
# linux-amd64 archive as go.dev/dl publishes it. A unit test checks that the
# version still matches go.mod; bump both together.
GO_VERSION=1.26.8
GO_SHA256_LINUX_AMD64=d0f743b33e8d8945e6b1f432edd15785c70507121d6e2a723b21285eddf8b57b
# Where to fetch it from; in mainland China https://golang.google.cn/dl
# serves the same files (same checksum).
GO_DOWNLOAD_BASE=${GO_DOWNLOAD_BASE:-https://go.dev/dl}
# CentOS 7 reached its end of life in June 2024: its packages now live only
# in the vault, frozen at the last point release.
CENTOS7_VAULT=${CENTOS7_VAULT:-https://vault.centos.org/7.9.2009}
# Where the distribution says who it is and keeps its yum repositories (the
# unit tests point these at fixtures), and sudo's settings for its PATH.
OS_RELEASE=${OS_RELEASE:-/etc/os-release}
YUM_REPOS_DIR=${YUM_REPOS_DIR:-/etc/yum.repos.d}
SUDOERS_DROPIN=${SUDOERS_DROPIN:-/etc/sudoers.d/90-dockling-path}
GO_PARENT=${GO_PARENT:-/usr/local}

local_only=${DOCKLING_PROVISION_LOCAL:-0}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=/usr/local
images_dir=
build_dir=
pull=1
pull_timeout=60

log() { printf '==> %s\n' "$*"; }
die() { printf 'provision: %s\n' "$*" >&2; exit 1; }

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --repo|--prefix|--images|--build-dir|--pull-timeout)
        if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value; see --help"; fi ;;
    esac
    case $1 in
      --local) local_only=1 ;;
      --repo) repo=$2; shift ;;
      --prefix) prefix=$2; shift ;;
      --images) images_dir=$2; shift ;;
      --build-dir) build_dir=$2; shift ;;
      --no-pull) pull=0 ;;
      --pull-timeout) pull_timeout=$2; shift ;;
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
      *) die "unknown option $1; see --help" ;;
    esac
    shift
  done
  [ -f "$repo/go.mod" ] || die "$repo is not the dockling repository (no go.mod); pass --repo DIR"
  images_dir=${images_dir:-$repo/vagrant/images}
  build_dir=${build_dir:-$repo/bin}
  [ "$(id -u)" -eq 0 ] || die "run as root (sudo): installing and preloading images need it"
}

# os_id prints centos7, el9, debian or other, from /etc/os-release.
os_id() {
  local ID="" VERSION_ID=""
  # shellcheck disable=SC1090
  [ -r "$OS_RELEASE" ] && . "$OS_RELEASE"
  case "$ID:${VERSION_ID%%.*}" in
    centos:7) echo centos7 ;;
    almalinux:9|rocky:9|rhel:9|centos:9) echo el9 ;;
    debian:*|ubuntu:*) echo debian ;;
    *) echo other ;;
  esac
}

# --- Vagrant-only phases ---------------------------------------------------

# fix_centos7_repos points yum at the vault: the mirrorlist service that the
# stock .repo files ask no longer answers for CentOS 7, and mirror.centos.org
# no longer serves it. Each baseurl keeps its path (os/, updates/, extras/).
fix_centos7_repos() {
  local f
  for f in "$YUM_REPOS_DIR"/CentOS-*.repo; do
    [ -e "$f" ] || continue
    sed -i -e 's|^mirrorlist=|#mirrorlist=|' \
           -e "s|^#\{0,1\}baseurl=http://mirror.centos.org/centos/[$]releasever/|baseurl=$CENTOS7_VAULT/|" \
           -e "s|^#\{0,1\}baseurl=http://mirror.centos.org/centos/7/|baseurl=$CENTOS7_VAULT/|" "$f"
  done
}

install_packages() {
  # Runtime: iptables (NAT, -p), util-linux (nsenter for exec), iproute
  # (the lessons' ip commands), man and bash-completion for the installed
  # pages. Build: make, git (the version string), tar and curl for Go.
  # A VM provisioned before (or a box made from one) has them all, and
  # provisioning again must work offline: then yum is not asked at all.
  local tool missing=0
  for tool in make git tar curl iptables nsenter ip man; do
    command -v "$tool" >/dev/null 2>&1 || missing=1
  done
  if [ "$missing" -eq 0 ] && [ -e /usr/share/bash-completion/bash_completion ]; then
    log "packages already installed"
    return
  fi
  case $1 in
    centos7)
      fix_centos7_repos
      yum clean all -q
      log "yum now reads $CENTOS7_VAULT"
      yum install -y -q make git tar curl ca-certificates iptables util-linux iproute \
        man-db bash-completion procps-ng psmisc which
      ;;
    el9)
      # No curl: the box's curl-minimal provides the command, and asking
      # for the full package conflicts with it.
      dnf install -y -q make git tar ca-certificates iptables-nft util-linux iproute \
        man-db bash-completion procps-ng psmisc which
      ;;
    debian)
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make git tar curl ca-certificates \
        iptables util-linux iproute2 man-db bash-completion procps psmisc
      ;;
    *) die "no package list for this distribution; install make, git, curl, iptables and util-linux, then rerun with --local" ;;
  esac
}

# install_go puts the pinned Go release in $GO_PARENT/go (/usr/local/go).
# Go's toolchain is statically linked, so CentOS 7's glibc 2.17 does not
# matter. An archive whose SHA-256 differs from the pinned one is refused.
install_go() {
  local goroot=$GO_PARENT/go have="" arch tarball url
  [ -x "$goroot/bin/go" ] && have=$("$goroot/bin/go" env GOVERSION 2>/dev/null || true)
  if [ "$have" = "go$GO_VERSION" ]; then
    log "Go $GO_VERSION is already in $goroot"
    return
  fi
  arch=$(uname -m)
  [ "$arch" = x86_64 ] || die "no pinned Go checksum for $arch; install Go $GO_VERSION in $goroot by hand and rerun"
  url=$GO_DOWNLOAD_BASE/go$GO_VERSION.linux-amd64.tar.gz
  tarball=$(mktemp "${TMPDIR:-/tmp}/go.XXXXXX.tar.gz")
  log "downloading $url"
  if ! curl -fsSL --retry 3 -o "$tarball" "$url"; then
    rm -f "$tarball"
    die "cannot download $url; set GO_DOWNLOAD_BASE to a mirror, or install Go $GO_VERSION in $goroot and rerun"
  fi
  if ! echo "$GO_SHA256_LINUX_AMD64  $tarball" | sha256sum -c --status -; then
    rm -f "$tarball"
    die "$url does not match the pinned SHA-256 $GO_SHA256_LINUX_AMD64; not installing it"
  fi
  rm -rf "$goroot"
  tar -C "$GO_PARENT" -xzf "$tarball"
  rm -f "$tarball"
}

# go_on_path makes `go` work in login shells and, by name, for make.
go_on_path() {
  ln -sf "$GO_PARENT/go/bin/go" /usr/local/bin/go
  # shellcheck disable=SC2016 # $PATH is for the login shell to expand
  echo 'export PATH=$PATH:/usr/local/go/bin' > /etc/profile.d/go.sh
}

# tune_kernel applies the fixes `dockling doctor` would otherwise print on a
# classroom VM: load the modules the steps use, keep them loaded after a
# reboot, allow user namespaces (CentOS 7 ships them at 0), and let
# firewalld (where it runs) leave the dockling0 bridge alone.
tune_kernel() {
  local m
  for m in overlay veth bridge; do
    modprobe "$m" 2>/dev/null || log "modprobe $m failed; doctor will say more"
  done
  printf '%s\n' overlay veth bridge > /etc/modules-load.d/dockling.conf
  if [ -e /proc/sys/user/max_user_namespaces ]; then
    echo 'user.max_user_namespaces = 15000' > /etc/sysctl.d/90-dockling.conf
    sysctl -q -p /etc/sysctl.d/90-dockling.conf
  fi
  if command -v firewall-cmd >/dev/null 2>&1 && firewall-cmd --state >/dev/null 2>&1; then
    firewall-cmd -q --permanent --zone=trusted --add-interface=dockling0
    firewall-cmd -q --reload
  fi
}

# sudo_path lets `sudo dockling ...`, `sudo make install` and `sudo go` find
# what lives under /usr/local: sudo's secure_path on CentOS and Alma has
# neither /usr/local/bin nor Go's directory.
sudo_path() {
  local f=$SUDOERS_DROPIN
  echo 'Defaults secure_path = /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/go/bin' > "$f"
  chmod 0440 "$f"
  if command -v visudo >/dev/null 2>&1 && ! visudo -cq -f "$f"; then
    rm -f "$f"
    die "visudo rejected $f; removed it"
  fi
}

# --- Phases that also run with --local ---------------------------------------

# build_and_install: `make install` builds into build_dir (not the synced
# repository's bin/ when the test runs it) and installs under prefix.
build_and_install() {
  local gobin version
  # The pinned Go first: a distribution's older go in PATH would fail on
  # go.mod's go line.
  gobin=$GO_PARENT/go/bin/go
  [ -x "$gobin" ] || gobin=$(command -v go || true)
  [ -n "$gobin" ] || die "no Go toolchain in PATH or $GO_PARENT/go; install Go $GO_VERSION (or run without --local)"
  # Go needs a home for its caches; a provisioner may run without one.
  export HOME=${HOME:-/root}
  # The synced tree belongs to the vagrant user; newer git refuses to read a
  # repository of another user unless told it is safe.
  version=$(git -c safe.directory='*' -C "$repo" describe --tags --always --dirty 2>/dev/null || echo dev)
  log "building dockling $version with $("$gobin" version) and installing it under $prefix"
  make -C "$repo" --no-print-directory install GO="$gobin" VERSION="$version" \
    PREFIX="$prefix" BIN="$build_dir" >/dev/null
  "$prefix/bin/dockling" version
}

# run_doctor shows the report. Warnings are normal on a VM (CentOS 7 has
# several); a failed required check is worth a loud line, but provisioning
# goes on so the instructor can fix it and run `vagrant provision` again.
run_doctor() {
  log "dockling doctor"
  if ! "$prefix/bin/dockling" doctor; then
    log "doctor found a problem that stops containers: see docs/troubleshooting.md in the repository"
  fi
}

# preload_images: saved tarballs first (the offline classroom), else a
# pull when a registry answers in time. Offline, a pull fails within
# milliseconds (no route, no DNS); the timeout is for networks that drop
# packets instead of refusing them.
preload_images() {
  local dockling=$prefix/bin/dockling tar loaded=0
  shopt -s nullglob
  for tar in "$images_dir"/*.tar "$images_dir"/*.tar.gz; do
    log "loading $tar"
    "$dockling" load -i "$tar"
    loaded=$((loaded + 1))
  done
  shopt -u nullglob
  if [ "$loaded" -gt 0 ]; then
    log "$loaded saved image file(s) loaded from $images_dir"
  elif [ "$pull" -eq 1 ] && timeout "$pull_timeout" "$dockling" pull busybox; then
    log "busybox pulled"
  else
    log "no saved images and no registry: the built-in hostbox will do"
  fi
}

# smoke_test starts one container, which also builds the built-in hostbox
# from this machine's own binaries (offline) if it is not there yet.
smoke_test() {
  local dockling=$prefix/bin/dockling
  log "smoke test: a container on hostbox"
  "$dockling" run --rm --network none hostbox true
  "$dockling" images
}

main() {
  parse_args "$@"
  local os
  os=$(os_id)
  if [ "$local_only" != 1 ]; then
    install_packages "$os"
    install_go
    go_on_path
    tune_kernel
    sudo_path
  else
    log "local mode: skipping packages, the Go download, kernel settings and sudo's PATH"
  fi
  build_and_install
  run_doctor
  preload_images
  smoke_test
  log "ready: sudo dockling tour"
}

# Run unless sourced (the unit tests source it to call single functions).
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
