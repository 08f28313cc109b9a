#!/usr/bin/env bash
# bpnet-lite's BPNet at its default size (64 filters, 8 dilated residual layers, input 2,114 bp, profile [2, 1000] and
# counts heads) in plrp and in its Python peers, side by side on the same machine: same weights (seeded, written by
# benchmarks/bpnet_export.py as a plrp model, an ONNX file and a PyTorch state_dict), same WINDOWS real chr2R
# windows, same batch size, same thread count.
#   plrp predict --profiles (both heads written)      vs  PyTorch forward, eval, no_grad (bpnet_torch.py)
#   plrp explain --prune 0 (LRP epsilon_plus), counts / profile  vs  zennit EpsilonPlus, same computation (bpnet_zennit.py)
#   plrp explain PLRP-λ p = 0.5, counts               vs  zennit EpsilonPlus, counts
# plrp is timed end to end (process start, FASTA reading, encoding, writing the outputs; explain with --no-tracks, as
# zennit makes no tracks), the peers on their compute alone. Every measurement runs RUNS times (default 3) and is
# reported as its median with the range; ratios are of medians. Also the machine's OpenBLAS sgemm peak on THREADS
# threads and the fraction of it each plrp rate reaches: forward FLOPs per conv/dense 2·Cin·Cout·K·Lout (from
# `plrp model inspect`), LRP three products of that size for every conv/dense the explained head depends on (the
# forward pass, the rule's own W⁺x + b⁺, the backward W⁺ᵀs), "executed" leaving out the one-hot first conv, which plrp
# runs as table look-ups.
# Checks first that the model is the same everywhere: plrp's predictions against PyTorch's, the ONNX import against
# the directly written file, plrp's relevance against zennit's on 8 windows.
# Needs the development venv (scripts/dev_env.sh). THREADS (default 2), WINDOWS (default 256), BATCH (default 64),
# RUNS (default 3), PLRP (default: builds .build/release/plrp).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
threads=${THREADS:-2}
windows=${WINDOWS:-256}
batch=${BATCH:-64}
runs=${RUNS:-3}
if [ -z "${PLRP:-}" ]; then
  swift build -c release --static-swift-stdlib >/dev/null
  plrp=.build/release/plrp
else
  plrp=$PLRP
fi
work=${TMPDIR:-/tmp}/plrp-bench-bpnet.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
length=2114
region="chr2R:1000001-$((1000000 + windows * length))"
fasta=data/genome/dm3_chr2R.fa.gz

"$python" benchmarks/bpnet_export.py "$work/model"
model=$work/model/bpnet.safetensors
state=$work/model/bpnet.pt
"$plrp" encode --fasta "$fasta" --region "$region" --window "$length" -o "$work/ohe" --quiet
"$plrp" encode --fasta "$fasta" --region "chr2R:1000001-$((1000000 + 8 * length))" --window "$length" -o "$work/ohe8" --quiet

echo "== same model everywhere"
"$plrp" predict --model "$model" --fasta "$fasta" --region "$region" --threads "$threads" -o "$work/p.tsv" --profiles "$work/p.npz"
"$python" - "$work" <<'PY'
import sys
import numpy as np
work = sys.argv[1]
np.save(f"{work}/profile.npy", np.load(f"{work}/p.npz")["profile"])
rows = [line.rstrip("\n").split("\t") for line in open(f"{work}/p.tsv")][1:]
np.save(f"{work}/counts.npy", np.array([[float(r[1])] for r in rows], dtype=np.float32))
PY
printf 'plrp predict vs PyTorch forward, largest difference / largest value: %s\n' \
  "$("$python" benchmarks/bpnet_torch.py --check "$state" "$work/ohe/ohe.npz" "$work/profile.npy" "$work/counts.npy")"
if "$plrp" model import "$work/model/bpnet.onnx" -o "$work/imported.safetensors" >/dev/null 2>&1; then
  "$plrp" predict --model "$work/imported.safetensors" --fasta "$fasta" --region "$region" --threads "$threads" \
    -o "$work/pi.tsv" --profiles "$work/pi.npz"
  cut -f2- "$work/p.tsv" > "$work/p.values"; cut -f2- "$work/pi.tsv" > "$work/pi.values"
  if cmp -s "$work/p.values" "$work/pi.values" && "$python" -c "import numpy as n,sys; a=n.load(sys.argv[1]); b=n.load(sys.argv[2]); sys.exit(0 if all(n.array_equal(a[k], b[k]) for k in a.files) else 1)" "$work/p.npz" "$work/pi.npz"; then
    echo "plrp model import bpnet.onnx: the same predictions, bit for bit"
  else
    echo "plrp model import bpnet.onnx: predictions differ from the directly written model"
  fi
else
  echo "plrp model import bpnet.onnx: not possible with this plrp"
fi
for head in counts profile; do
  relevance=logit; [ "$head" = counts ] && relevance=one  # zennit's output relevance: 1 at the count, the profile terms
  "$plrp" explain --model "$model" --fasta "$fasta" --region "chr2R:1000001-$((1000000 + 8 * length))" --threads "$threads" \
    -o "$work/check_$head" --quiet --no-tracks --target "$head" --output-relevance "$relevance" --prune 0
  "$python" benchmarks/bpnet_zennit.py --relevance "$state" "$work/ohe8/ohe.npz" "$head" "$work/zennit_$head.npy"
  printf 'plrp explain vs zennit EpsilonPlus, %s head, largest difference / largest relevance: %s\n' "$head" \
    "$("$python" -c "import numpy as n,sys; a=n.load(sys.argv[1])['arr_0']; b=n.load(sys.argv[2]); print(f'{n.abs(a-b).max()/n.abs(b).max():.3g}')" "$work/check_$head/attr.npz" "$work/zennit_$head.npy")"
done

# Median and range of some numbers: prints "median min max".
stats() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { printf "%s %s %s\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR] }'; }
# Windows/s of RUNS end-to-end runs of a plrp command (the arguments; OUT is replaced by a fresh output path).
timed() {
  local rates="" start end
  for run in $(seq "$runs"); do
    rm -rf "$work/out"
    start=$(date +%s.%N)
    "${@//OUT/$work/out}"
    end=$(date +%s.%N)
    rates="$rates $(echo "$windows / ($end - $start)" | bc -l)"
  done
  echo "$rates" | stats
}
peer() { "$@" | stats; }  # a peer script prints one rate per pass

echo "== timings ($windows windows of $length bp, batch $batch, $threads threads, $runs runs each)"
common=(--model "$model" --fasta "$fasta" --region "$region" --threads "$threads" --batch-size "$batch")
read -r predict predict_lo predict_hi < <(timed "$plrp" predict "${common[@]}" -o OUT.tsv --profiles OUT.npz)
read -r torch torch_lo torch_hi < <(peer "$python" benchmarks/bpnet_torch.py "$state" "$work/ohe/ohe.npz" "$threads" "$batch" "$runs")
read -r counts counts_lo counts_hi < <(timed "$plrp" explain "${common[@]}" -o OUT --quiet --no-tracks --target counts --prune 0)
read -r profile profile_lo profile_hi < <(timed "$plrp" explain "${common[@]}" -o OUT --quiet --no-tracks --target profile --prune 0)
read -r lambda lambda_lo lambda_hi < <(timed "$plrp" explain "${common[@]}" -o OUT --quiet --no-tracks --target counts --prune 0.5 --plrp lambda)
read -r zcounts zcounts_lo zcounts_hi < <(peer "$python" benchmarks/bpnet_zennit.py "$state" "$work/ohe/ohe.npz" "$threads" counts "$batch" "$runs")
read -r zprofile zprofile_lo zprofile_hi < <(peer "$python" benchmarks/bpnet_zennit.py "$state" "$work/ohe/ohe.npz" "$threads" profile "$batch" "$runs")

cc=$(command -v clang || command -v cc || echo /opt/swift/usr/bin/clang)
"$cc" -O2 benchmarks/sgemm_peak.c -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas -o "$work/sgemm_peak"
peak=$(OPENBLAS_NUM_THREADS=$threads "$work/sgemm_peak" 2048 7)

# FLOPs per window from the model's layers: forward (all), and per head the convs/dense it depends on (the profile
# head: iconv, rconvs, fconv; the counts head: iconv, rconvs, linear); "first" marks the one-hot iconv.
"$plrp" model inspect "$model" | awk '
  $2 == "conv1d" || $2 == "dense" {
    shape = $0; sub(/[^[]*\[/, "", shape); sub(/\].*/, "", shape); n = split(shape, dims, ", ")
    lout = (n == 2) ? dims[2] : 1
    match($0, /[0-9]+→[0-9]+/); io = substr($0, RSTART, RLENGTH); split(io, f, "→")
    k = 1; if (match($0, /kernel [0-9]+/)) k = substr($0, RSTART + 7, RLENGTH - 7) + 0
    flops = 2 * f[1] * k * f[2] * lout; first = ($4 == "input")
    forward += flops; if (!first) forward_x += flops
    if ($3 != "fconv") { counts += flops; if (!first) counts_x += flops }
    if ($3 != "linear") { profile += flops; if (!first) profile_x += flops }
  }
  END { printf "%.0f %.0f %.0f %.0f %.0f %.0f\n", forward, forward_x, 3 * counts, 3 * counts_x, 3 * profile, 3 * profile_x }' \
  > "$work/flops.txt"
read -r f_fwd f_fwd_x f_counts f_counts_x f_profile f_profile_x < "$work/flops.txt"

ratio() { echo "$1 / $2" | bc -l; }
pct() { echo "100 * $1 * $2 / 1000000000 / $peak" | bc -l; }  # rate, FLOPs per window
row() {  # what, plrp median lo hi, peer name, peer median lo hi, FLOPs, executed FLOPs, target
  local peer_cell="–" ratio_cell="–"
  if [ "$6" != "-" ]; then
    peer_cell=$(printf '%s %.2f (%.2f–%.2f)' "$5" "$6" "$7" "$8")
    ratio_cell=$(printf '%.1f× (%.1f–%.1f×)' "$(ratio "$2" "$6")" "$(ratio "$3" "$8")" "$(ratio "$4" "$7")")
  fi
  printf '| %s | %.1f (%.1f–%.1f) | %s | %s | %.0f%% (%.0f%% executed) | %s |\n' "$1" "$2" "$3" "$4" "$peer_cell" \
    "$ratio_cell" "$(pct "$2" "$9")" "$(pct "$2" "${10}")" "${11}"
}
echo
echo "== summary ($threads threads, $windows chr2R windows of $length bp, batch $batch; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores visible)"
printf 'OpenBLAS sgemm 2048³ on %s threads: %s GFLOP/s. FLOPs per window: forward %.1f M (%.1f M executed), LRP counts %.1f M (%.1f M), LRP profile %.1f M (%.1f M).\n\n' \
  "$threads" "$peak" "$(echo "$f_fwd / 1000000" | bc -l)" "$(echo "$f_fwd_x / 1000000" | bc -l)" \
  "$(echo "$f_counts / 1000000" | bc -l)" "$(echo "$f_counts_x / 1000000" | bc -l)" \
  "$(echo "$f_profile / 1000000" | bc -l)" "$(echo "$f_profile_x / 1000000" | bc -l)"
printf '| what | plrp windows/s, median (range) | peer windows/s | ratio | %% of sgemm peak | target |\n| --- | ---: | ---: | ---: | ---: | --- |\n'
row "predict, both heads (plrp end to end vs PyTorch forward)" "$predict" "$predict_lo" "$predict_hi" PyTorch "$torch" "$torch_lo" "$torch_hi" "$f_fwd" "$f_fwd_x" "≥ 2×"
row "LRP epsilon_plus, counts head (vs zennit EpsilonPlus)" "$counts" "$counts_lo" "$counts_hi" zennit "$zcounts" "$zcounts_lo" "$zcounts_hi" "$f_counts" "$f_counts_x" "≥ 3×"
row "LRP epsilon_plus, profile head (vs zennit EpsilonPlus)" "$profile" "$profile_lo" "$profile_hi" zennit "$zprofile" "$zprofile_lo" "$zprofile_hi" "$f_profile" "$f_profile_x" "(reported)"
row "PLRP-λ p = 0.5, counts head (vs zennit EpsilonPlus)" "$lambda" "$lambda_lo" "$lambda_hi" zennit "$zcounts" "$zcounts_lo" "$zcounts_hi" "$f_counts" "$f_counts_x" "(reported)"
