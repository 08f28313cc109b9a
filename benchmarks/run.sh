#!/usr/bin/env bash
# The whole performance suite in one run, as ratios against peers measured side by side on the same machine:
#   io.sh       one-hot streaming of chr2R vs `samtools faidx`
#   model.sh    `plrp predict` vs PyTorch forward; a training epoch vs PyTorch's
#   explain.sh  `plrp explain` LRP, PLRP-λ, PLRP-M vs zennit EpsilonPlus
#   chromosome.sh whole-chr2R explanation end to end (windows/s, bases/s, peak RSS)
#   tracks.sh   what writing the genome tracks costs: 2 Mb with tracks against --no-tracks, alternated
#   bpnet.sh    bpnet-lite's BPNet (2,114 bp, 64 filters, 8 dilated residual layers): predict vs PyTorch, explain vs
#               zennit, with its own summary table (printed after the one below)
# and the machine's own limit: OpenBLAS sgemm GFLOP/s on THREADS threads (benchmarks/sgemm_peak.c, the library plrp
# links), the FLOPs one explanation needs per layer (from `plrp model inspect`), and the fraction of the sgemm peak
# that plrp reaches. Prints every part's own output, then a Markdown summary table (copied into the README).
# Needs `make build` and the development venv (scripts/dev_env.sh). THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
threads=${THREADS:-2}
export THREADS=$threads
model=data/models/default.safetensors
work=${TMPDIR:-/tmp}/plrp-bench-run.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
[ -x "$plrp" ] || { echo "build first: make build" >&2; exit 1; }

part() {  # name: runs benchmarks/NAME.sh, shows and keeps its output
  echo "== $1"
  "benchmarks/$1.sh" | tee "$work/$1.txt"
}
part io
part model
part explain
part chromosome
part tracks
export PLRP=$plrp
part bpnet

echo "== sgemm peak"
cc=$(command -v clang || command -v cc || echo /opt/swift/usr/bin/clang)
"$cc" -O2 benchmarks/sgemm_peak.c -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas -o "$work/sgemm_peak"
peak=$(OPENBLAS_NUM_THREADS=$threads "$work/sgemm_peak" 2048 7)
peak1=$(OPENBLAS_NUM_THREADS=1 "$work/sgemm_peak" 2048 7)
echo "OpenBLAS sgemm 2048³: $peak GFLOP/s on $threads threads, $peak1 GFLOP/s on 1"

echo "== FLOPs per window (default model)"
# Forward FLOPs per layer: conv 2·Cin·K·Cout·Lout, dense 2·Fin·Fout. LRP (epsilon_plus) needs three products of that
# size per layer: the forward pass, the rule's own forward (W⁺x + b⁺ for zplus convs, z again for the epsilon dense)
# and the backward product W'ᵀs. The first conv sees one-hot input: plrp replaces its products by table look-ups, so
# its FLOPs are counted as an im2col implementation executes them ("dense-equivalent") and also left out ("executed").
"$plrp" model inspect "$model" | awk '
  $2 == "conv1d" || $2 == "dense" {
    shape = $0; sub(/[^[]*\[/, "", shape); sub(/\].*/, "", shape); n = split(shape, dims, ", ")
    lout = (n == 2) ? dims[2] : 1
    match($0, /[0-9]+→[0-9]+/); io = substr($0, RSTART, RLENGTH); split(io, f, "→"); fin = f[1] + 0; fout = f[2] + 0
    k = 1; if (match($0, /kernel [0-9]+/)) k = substr($0, RSTART + 7, RLENGTH - 7) + 0
    flops = 2 * fin * k * fout * lout
    printf "  layer %-3s %-6s %12.0f forward FLOPs\n", $1, $2, flops
    forward += flops; if (first == "") { first = flops } else { rest += flops }
  }
  END {
    printf "forward %.0f lrp %.0f forward_executed %.0f lrp_executed %.0f\n", forward, 3 * forward, rest, 3 * rest
  }' | tee "$work/flops.txt"

# Pulls one number out of a part's output: FILE, line pattern, field (awk $n).
num() { grep -m1 -- "$2" "$work/$1.txt" | awk "{ print \$$3 }"; }
read -r _ forward _ lrp_flops _ forward_exec _ lrp_exec < <(grep '^forward ' "$work/flops.txt")
predict=$(num model 'plrp predict' 6); torch=$(num model 'PyTorch forward' 4)
train=$(num model 'plrp train' 6); torch_train=$(num model 'PyTorch epoch' 4)
lrp=$(num explain 'LRP epsilon_plus' 5); lambda=$(num explain 'PLRP-lambda' 5); m=$(num explain 'PLRP-M' 5)
zennit=$(num explain 'zennit EpsilonPlus' 4)
faidx=$(grep -m1 '^samtools faidx' "$work/io.txt" | cut -f3); encode=$(grep -m1 'output discarded' "$work/io.txt" | cut -f3)
chr=$(grep -m1 'chr2R (21,146,708 bp)' "$work/chromosome.txt"); chr_nt=$(grep -m1 'chr2R, --no-tracks' "$work/chromosome.txt")
pct() { echo "100 * $1 / $peak" | bc -l; }
gf() { echo "$1 * $2 / 1000000000" | bc -l; }

echo
echo "== summary ($threads threads; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores visible)"
printf '| what | plrp | peer | ratio | target |\n| --- | ---: | ---: | ---: | --- |\n'
printf '| inference, 4,096 windows (plrp end to end vs PyTorch forward) | %.0f windows/s | %.0f | %.2f× | ≥ 2× |\n' "$predict" "$torch" "$(echo "$predict / $torch" | bc -l)"
printf '| one training epoch, 8,192 windows (plrp end to end vs PyTorch loop) | %.2f s | %.2f s | %.2f× | ≥ 1× |\n' "$train" "$torch_train" "$(echo "$torch_train / $train" | bc -l)"
printf '| LRP epsilon_plus (plrp end to end vs zennit EpsilonPlus compute) | %.0f windows/s | %.0f | %.2f× | ≥ 3× |\n' "$lrp" "$zennit" "$(echo "$lrp / $zennit" | bc -l)"
printf '| PLRP-λ p = 0.5 vs zennit EpsilonPlus | %.0f windows/s | %.0f | %.2f× | ≥ 3× |\n' "$lambda" "$zennit" "$(echo "$lambda / $zennit" | bc -l)"
printf '| PLRP-M p = 0.5 vs zennit EpsilonPlus | %.0f windows/s | %.0f | %.2f× | |\n' "$m" "$zennit" "$(echo "$m / $zennit" | bc -l)"
printf '| PLRP-λ / PLRP-M cost over LRP | %.2f× / %.2f× | | | ≤ 1.3× / ≤ 2× |\n' "$(echo "$lrp / $lambda" | bc -l)" "$(echo "$lrp / $m" | bc -l)"
printf '| one-hot streaming of chr2R vs samtools faidx | %s Mb/s | %s Mb/s | %.2f× | |\n' "$encode" "$faidx" "$(echo "$encode / $faidx" | bc -l)"
printf '| whole chr2R, PLRP-λ, tracks written | %s | | | constant memory |\n' "$(echo "$chr" | awk '{printf "%s windows/s, %s Mb/s, %s MB peak RSS", $8, $10, $14}')"
printf '| whole chr2R, PLRP-λ, --no-tracks | %s | | | constant memory |\n' "$(echo "$chr_nt" | awk '{printf "%s windows/s, %s Mb/s, %s MB peak RSS", $7, $9, $13}')"
printf '| OpenBLAS sgemm peak (2048³) | %s GFLOP/s | | | |\n' "$peak"
printf '| inference arithmetic: %.2f MFLOP/window dense-equivalent (%.2f executed) | %.1f GFLOP/s = %.0f%% of peak (%.0f%% executed) | | | |\n' \
  "$(echo "$forward / 1000000" | bc -l)" "$(echo "$forward_exec / 1000000" | bc -l)" "$(gf "$predict" "$forward")" \
  "$(pct "$(gf "$predict" "$forward")")" "$(pct "$(gf "$predict" "$forward_exec")")"
printf '| LRP arithmetic: %.2f MFLOP/window dense-equivalent (%.2f executed) | %.1f GFLOP/s = %.0f%% of peak (%.0f%% executed) | | | ≥ 30%% |\n' \
  "$(echo "$lrp_flops / 1000000" | bc -l)" "$(echo "$lrp_exec / 1000000" | bc -l)" "$(gf "$lrp" "$lrp_flops")" \
  "$(pct "$(gf "$lrp" "$lrp_flops")")" "$(pct "$(gf "$lrp" "$lrp_exec")")"
printf '| PLRP-λ arithmetic (same products) | %.1f GFLOP/s = %.0f%% of peak (%.0f%% executed) | | | ≥ 30%% |\n' \
  "$(gf "$lambda" "$lrp_flops")" "$(pct "$(gf "$lambda" "$lrp_flops")")" "$(pct "$(gf "$lambda" "$lrp_exec")")"

echo
echo "== BPNet summary (benchmarks/bpnet.sh)"
sed -n '/^== summary/,$p' "$work/bpnet.txt" | tail -n +2
