#!/usr/bin/env bash
# Compares Ripple's readers with fio on the same file in the same run (docs/IO.md, "Readers against
# fio"): 4 KiB random reads at queue depths 1, 8 and 32; IOPS and CPU time per read
# for the thread-pool direct reader, the io_uring reader, fio's io_uring engine (with fio's defaults,
# and with --fixedbufs --registerfiles) and fio's psync engine with one job per queue slot.
# Installs fio from the distribution's packages when missing.
#
#   benchmarks/scripts/fio-compare.sh [DIR] [extra 'ripple calibrate' options]
#
# An extra option replaces the script's own value for it (--file-mib 256, --rounds 1, --out FILE).
# DIR (default ripple-work/fio) must be on the disk to measure; the JSON goes to DIR/fio-compare.json.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
usage="usage: benchmarks/scripts/fio-compare.sh [DIR] [extra 'ripple calibrate' options]"
# An option first would be taken for DIR ("--rounds 1" measuring in a directory named --rounds).
if [[ "${1:-}" == -* ]]; then
  echo "fio-compare: DIR comes first, not the option $1 (give the default ripple-work/fio to use it)" >&2
  echo "$usage" >&2
  exit 2
fi
dir=${1:-"$root/ripple-work/fio"}
shift || true

if ! command -v fio >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  if command -v apt-get >/dev/null 2>&1; then
    echo "fio-compare: installing fio from the distribution's packages (apt-get)" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq fio >/dev/null
  elif command -v dnf >/dev/null 2>&1; then
    echo "fio-compare: installing fio from the distribution's packages (dnf)" >&2
    $sudo dnf install -y -q fio
  else
    echo "fio-compare: fio is not installed and no apt-get or dnf was found; install the distribution's fio package" >&2
    exit 1
  fi
fi
echo "fio-compare: $(fio --version), kernel $(uname -r), $(nproc) CPUs" >&2

mkdir -p "$dir"
# The comparison's defaults, each left out when the user gives the option ("--rounds 5" or
# "--rounds=5"): picocli refuses an option given twice, and the usage promises extra options.
defaults=(--reader direct,io_uring --fio io_uring,io_uring-fixed,psync --sizes 4096 --queue-depths 1,8,32
  --rounds 3 --seconds-per-point 3 --file-mib 4096 --out "$dir/fio-compare.json")
given() {
  local option=$1 a
  for a in "${user[@]}"; do
    if [ "$a" = "$option" ] || [[ "$a" == "$option="* ]]; then return 0; fi
  done
  return 1
}
user=("$@")
args=(calibrate --dir "$dir")
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  option=${defaults[i]}
  # --file reads an existing file whole: the test file's size does not go with it
  if given "$option" || { [ "$option" = --file-mib ] && given --file; }; then continue; fi
  args+=("$option" "${defaults[i + 1]}")
done
given --json || args+=(--json)
exec "$root/ripple" "${args[@]}" "$@"
