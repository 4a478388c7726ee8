#!/usr/bin/env bash
# `make demo`: a short guided walk through steps 0-4 on the built-in image.
# Needs root and no network. Each step runs the same two commands, so you can
# watch what each new layer changes.
set -euo pipefail
dockling=${1:-dockling}

if [ -t 1 ]; then bold=$'\e[1m' off=$'\e[0m'; else bold='' off=''; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }
show() { printf '%s$ %s%s\n' "$bold" "$*" "$off"; "$@"; }
# shellcheck disable=SC2016 # expanded inside the step, not here
look='echo "hostname: $(hostname)   my PID: $$   processes I can see: $(ls -d /proc/[0-9]* 2>/dev/null | wc -l)"; head -1 /etc/os-release'

if [ "$(id -u)" -ne 0 ]; then
  echo "make demo needs root (it creates namespaces and mounts): sudo make demo" >&2
  exit 1
fi

say "Does this kernel have what containers need?"
show "$dockling" doctor || true

say "The steps: each adds one isolation layer"
show "$dockling" step

say "Step 0: a plain process. It sees the host: its hostname, all its processes, its files."
show "$dockling" step 0 --quiet -- sh -c "$look"

say "Step 1: chroot. Its / is now the image (hostbox); its /proc is an empty directory, so it counts 0."
show "$dockling" step 1 --quiet -- sh -c "$look"
say "...and a root process can climb out of a chroot:"
show "$dockling" step 1 --quiet --escape

say "Step 2: namespaces. Own hostname, it is PID 1, and it sees only its own processes."
show "$dockling" step 2 --quiet -- sh -c "$look"
say "The same escape now fails: pivot_root left nothing above / to climb to."
show "$dockling" step 2 --quiet --escape || true

say "Every kernel call step 2 makes, each with the shell command that does the same:"
show "$dockling" step 2 --explain -- hostname

say "Step 3: cgroups. 32 MiB of memory, and a program that wants 100: the kernel stops it."
show "$dockling" step 3 --quiet -m 32m -- probe hog 100m || true

say "Step 4: overlay. The image's layers stay read-only; writes land in a layer of the run's own."
show "$dockling" step 4 -- sh -c 'echo hello > /root/new-file; rm /etc/hostname; ls /root'

say "Done. Next: dockling lesson, dockling step 5 (networking), or dockling run -it --rm hostbox sh"
