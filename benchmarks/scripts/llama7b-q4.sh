#!/usr/bin/env bash
# Issue 14, "At full scale": a generated Llama-2-7B-shaped model (32 layers, 4,096 / 11,008, 32
# heads; RANDOM WEIGHTS, planted 10% FATReLU activity in 64 groups) stored in Q4_0, generating
# under a 2 GiB DRAM budget on this machine, with the process's peak resident memory measured by
# the OS (/usr/bin/time -v: "Maximum resident set size"). Not part of the test suite; about 25
# minutes and 31 GB of disk at the peak on the 2-core development VM (docs/PERFORMANCE.md §11).
#
#   [OFFHEAP=1g] benchmarks/scripts/llama7b-q4.sh [DIR] [DRAM] [HEAP]
#
# DIR (default ripple-work/llama7b) holds the checkpoint (13.5 GB of f16 safetensors), the
# calibration trace and the placed Q4_0 file (3.9 GB); DRAM defaults to 2GiB; HEAP, the JVM's
# -Xmx for generation, to 512m (the heap holds activations and logits; weights, the KV cache and
# the bundle cache live off the heap and are what --dram budgets; the JVM's off-heap limit is set
# to the budget).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${1:-"$root/ripple-work/llama7b"}
dram=${2:-2GiB}
heap=${3:-512m}
ripple=${RIPPLE:-"$root/ripple"}     # RIPPLE=path runs another build of the command
mkdir -p "$dir"
step() { echo "== $(date -u +%H:%M:%S) $*" >&2; }

if [ ! -f "$dir/hf/config.json" ]; then
  step "synth: Llama-2-7B shape, random weights, f16 safetensors"
  "$ripple" synth --preset llama-2-7b --hidden-act fatrelu --active 0.1 --clusters 64 --shards 3 --out "$dir/hf"
fi
if [ ! -f "$dir/calib.rtrace" ]; then
  step "profile: 64 calibration tokens through the Java forward"
  "$ripple" profile --model "$dir/hf" --max-tokens 64 --work "$dir/work" --out "$dir/calib.rtrace"
  rm -rf "$dir/work"          # the f16 copy the profiler imported (13.5 GB)
fi
if [ ! -f "$dir/llama7b-q4_0.ripple" ]; then
  step "place: ripple+ order, Q4_0 bundles and Q4_0 resident matrices"
  "$ripple" place --model "$dir/hf" --trace "$dir/calib.rtrace" --algorithm ripple+ --dtype q4_0 \
      --resident-dtype q4_0 --work "$dir/work" --out "$dir/llama7b-q4_0.ripple"
fi
ls -l "$dir/llama7b-q4_0.ripple" >&2

step "generate under --dram $dram, heap $heap"
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true     # cold start where allowed
# Off-heap memory (KV cache, bundle cache, read and bounce buffers) is capped by the JVM at the heap
# limit unless told otherwise; buffers the runtime drops are freed when the garbage collector finds
# them, which the cap makes it do. OFFHEAP (default: the budget) sets the cap; the budget's resident
# tensors are mapped file pages, outside it.
offheap=${OFFHEAP:-${dram%iB}}
RIPPLE_JAVA_OPTS="-Xmx$heap -XX:MaxDirectMemorySize=$offheap ${RIPPLE_JAVA_OPTS:-}" /usr/bin/time -v "$ripple" generate --model "$dir/llama7b-q4_0.ripple" \
    --prompt "The European Parliament adopted the resolution on the protection of the environment" \
    --max-tokens 32 --ignore-eos --dram "$dram" --json "$dir/generate.json" 2> >(tee "$dir/generate.time" >&2)
step "done: $dir/generate.json, peak RSS in $dir/generate.time"
