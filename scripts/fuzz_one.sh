#!/usr/bin/env bash
# Runs one libFuzzer target of plrp-fuzz (built by `make fuzz`) for SECONDS, growing fuzz/corpus/TARGET and saving
# any crashing input in fuzz/crashes/TARGET/. Usage: scripts/fuzz_one.sh TARGET SECONDS
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1 seconds=$2
mkdir -p "fuzz/corpus/$target" "fuzz/crashes/$target" fuzz/logs
case $target in safetensors|onnx) max_len=65536 ;; architecture|meme) max_len=16384 ;; *) max_len=4096 ;; esac
PLRP_FUZZ_TARGET=$target .build-fuzz/debug/plrp-fuzz "fuzz/corpus/$target" -max_total_time="$seconds" -max_len=$max_len \
  -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -artifact_prefix="fuzz/crashes/$target/" -print_final_stats=1 \
  > "fuzz/logs/$target.log" 2>&1 && status=0 || status=$?
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "fuzz/logs/$target.log" | grep -o '[0-9]*$' || echo "?")
echo "fuzz $target: ${seconds} s, $runs inputs, corpus $(ls "fuzz/corpus/$target" | wc -l) files, exit $status"
exit $status
