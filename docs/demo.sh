#!/usr/bin/env bash
# `make demo`: the whole workshop tour, steps 0-6, in presenter mode
# (`dockling tour --auto`: a short pause between steps, no Enter needed) on
# the built-in image, hostbox. Needs root and no network: hostbox is built
# from this machine's own binaries, and step 5's bridge is local.
#
# The demo starts from step 0 whatever tour you took before, and keeps its
# progress in a scratch directory, so your own `dockling tour` and
# `dockling lesson` record is left as it was. Pass --lang zh for Chinese.
set -euo pipefail
dockling=${1:-dockling}
shift || true

if [ "$(id -u)" -ne 0 ]; then
  echo "make demo needs root (it creates namespaces, mounts and a bridge): sudo make demo" >&2
  exit 1
fi

state=$(mktemp -d -t dockling-demo.XXXXXX)
# Step 6 writes to a volume named tour-notes. Remove it afterwards only if
# the demo made it: one the learner already had is theirs.
had_notes=false
if "$dockling" volume inspect tour-notes >/dev/null 2>&1; then
  had_notes=true
fi
cleanup() {
  rm -rf "$state"
  if [ "$had_notes" = false ]; then
    "$dockling" volume rm tour-notes >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [ -t 1 ]; then bold=$'\e[1m' off=$'\e[0m'; else bold='' off=''; fi
printf '%s== Does this kernel have what containers need?%s\n' "$bold" "$off"
"$dockling" doctor || true

XDG_STATE_HOME=$state "$dockling" tour --auto --from 0 "$@"
