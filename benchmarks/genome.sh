#!/usr/bin/env bash
# Genome scale, sharded: `plrp run --shard I/N` over a genome of over 100 Mb, the N jobs one after the other, then
# `plrp merge` of the N shards; every job under GNU time (wall, user, sys, peak resident memory). Then what the same
# jobs would need for hg38, projected from the measured figures, each projection with the line that derives it.
#
# The genome is real sequence, concatenated: the shipped dm3 chr2R (21,146,708 bp) copied COPIES times as contigs
# chr2R_1 … chr2R_5 into one BGZF FASTA with its .fai/.gzi (bgzip, samtools faidx), 105,733,540 bp for 5 copies; the
# copies are identical, so motif counts scale but nothing new is learnt from them. Every contig is explained (`plrp
# run --fasta` with no regions), at `plrp run`'s defaults (default model, PLRP-λ p = 0.5, windows of the model's input
# length every 150 bp; printed from the first shard's manifest). A control job, shard 1 of 2·SHARDS (half a shard's
# bases, not merged), shows whether a job's memory follows its size.
#
# Knobs (environment): PLRP (binary, .build/release/plrp), THREADS per job (2), COPIES (5), SHARDS (8), ARRAYS (none;
# all also writes ohe.npz and attr.npz: 3.4 GB each at 5 copies), BASES (take only chr2R:1-BASES per copy, for a quick check; default the whole chromosome), OUT_TSV (also
# write every figure to this file, one per line: section, item, metric, value). Needs bgzip, samtools, GNU time and
# the release build. Quick check: PLRP=… ARRAYS=all COPIES=2 BASES=1000000 SHARDS=4 benchmarks/genome.sh
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
threads=${THREADS:-2}
copies=${COPIES:-5}
shards=${SHARDS:-8}
arrays=${ARRAYS:-none}
bases=${BASES:-}
model=data/models/default.safetensors
database=data/motifs/JASPAR2026_CORE_insects.meme
chromosome=data/genome/dm3_chr2R.fa.gz
# GRCh38 primary assembly: the 24 chromosomes, chrM, the unlocalized and unplaced scaffolds, N gaps included (NCBI's
# total sequence length; no alt loci, no decoys). plrp windows the gaps like any other bases.
hg38=3099734149

fail() { echo "genome.sh: $*" >&2; exit 2; }
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || fail "$1 must be a positive integer, not '$2'"; }
positive THREADS "$threads"; positive COPIES "$copies"; positive SHARDS "$shards"
[ -z "$bases" ] || positive BASES "$bases"
[ "$arrays" = all ] || [ "$arrays" = none ] || fail "ARRAYS must be all or none, not '$arrays'"
for tool in bgzip samtools; do command -v "$tool" > /dev/null || fail "needs $tool (apt-get install samtools tabix)"; done
[ -x /usr/bin/time ] || fail "needs GNU time at /usr/bin/time (apt-get install time)"
[ -x "$plrp" ] || fail "no binary at $plrp: swift build -c release --static-swift-stdlib, or set PLRP"
arrays_option=(--arrays "$arrays")

work=${TMPDIR:-/tmp}/plrp-bench-genome.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/shards"
tsv=$work/figures.tsv
printf 'section\titem\tmetric\tvalue\n' > "$tsv"
record() { printf '%s\t%s\t%s\t%s\n' "$@" >> "$tsv"; }
# calc FORMAT EXPRESSION...: awk arithmetic on the measured numbers, printed with FORMAT.
calc() { local format=$1; shift; awk -v format="$format" "BEGIN { printf format, $* }"; }
now() { date +%s.%N; }

# The genome.
region=chr2R
[ -z "$bases" ] || region=chr2R:1-$bases
genome=$work/genome.fa.gz
started=$(now)
for i in $(seq 1 "$copies"); do
  samtools faidx "$chromosome" "$region" | sed "1s/.*/>chr2R_$i/"
done | bgzip -@ "$threads" -c > "$genome"
samtools faidx "$genome"
built=$(calc '%.1f' "$(now) - $started")
genome_bases=$(awk '{ n += $2 } END { print n }' "$genome.fai")
contigs=$(wc -l < "$genome.fai")
record genome genome bases "$genome_bases"; record genome genome contigs "$contigs"
record genome genome fasta_bytes "$(stat -c %s "$genome")"; record genome genome build_s "$built"
echo "genome: $contigs × dm3 $region as chr2R_1 … chr2R_$copies, $genome_bases bp" \
  "(real sequence, concatenated; identical copies), BGZF $(calc '%.1f' "$(stat -c %s "$genome") / 1e6") MB," \
  "built and indexed in $built s"

# timed NAME COMMAND...: runs COMMAND under GNU time, which writes "wall user sys peak-kB" to $work/NAME.time.
timed() {
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" "$@" || { echo "genome.sh: job $name failed" >&2; exit 1; }
}
windows_of() { sed -n 's/^ *"windows" : \([0-9]*\).*/\1/p' "$1/manifest.json" | tail -1; }
# The bases a folder's windows cover: per contig, first window start to last window end.
span_of() {
  awk -F '\t' '!($1 in lo) || $2 < lo[$1] { lo[$1] = $2 } $3 > hi[$1] { hi[$1] = $3 }
    END { for (c in lo) n += hi[c] - lo[c]; print n + 0 }' "$1/windows.bed"
}
# report NAME LABEL FOLDER: one table line for the job NAME that wrote FOLDER, its figures into the TSV.
report() {
  local name=$1 label=$2 folder=$3 wall user sys kb windows span bytes
  read -r wall user sys kb < "$work/$name.time"
  windows=$(windows_of "$folder"); span=$(span_of "$folder"); bytes=$(du -sb "$folder" | cut -f1)
  [ -n "$windows" ] || { echo "genome.sh: no window count in $folder/manifest.json" >&2; exit 1; }
  printf '%-24s %9d %12d %9.1f %9.1f %9.0f %11.1f\n' "$label" "$windows" "$span" "$wall" \
    "$(calc '%.2f' "$user + $sys")" "$(calc '%.1f' "$kb / 1024")" "$(calc '%.2f' "$bytes / 1e6")"
  record job "$name" windows "$windows"; record job "$name" bases "$span"; record job "$name" wall_s "$wall"
  record job "$name" user_s "$user"; record job "$name" sys_s "$sys"; record job "$name" peak_rss_kb "$kb"
  record job "$name" output_bytes "$bytes"
}
header() { printf '%-24s %9s %12s %9s %9s %9s %11s\n' job windows bases 'wall s' 'CPU s' 'RSS MB' 'output MB'; }

echo "jobs: one after the other, $threads threads each, arrays $arrays; binary $plrp"
header
for i in $(seq 1 "$shards"); do
  timed "shard_$i" "$plrp" run --model "$model" --fasta "$genome" --shard "$i/$shards" "${arrays_option[@]}" \
    --threads "$threads" -o "$work/shards/$i" --quiet
  report "shard_$i" "run --shard $i/$shards" "$work/shards/$i"
done
shard_folders=()
for i in $(seq 1 "$shards"); do shard_folders+=("$work/shards/$i"); done
timed merge "$plrp" merge "${shard_folders[@]}" --database "$database" -o "$work/merged" --quiet
report merge "merge of $shards shards" "$work/merged"
# The DRE (TATCGATA: pnr, Dref, BEAF-32), the shipped model's strongest motif, among the merged motifs; and the same
# motifs again from the merged track alone, as `plrp motifs --track` finds them for any track.
dre() { awk -F '\t' 'NR > 1 && ($3 == "pnr" || $3 == "Dref" || $3 == "BEAF-32") { print $1 " → " $2 " " $3 " (q " $5 ")"; exit }' "$1/matches.tsv"; }
timed track_motifs "$plrp" motifs --track "$work/merged/relevance.bw" --fasta "$genome" --database "$database" \
  -o "$work/track-motifs" --quiet
read -r tm_wall _ _ tm_kb < "$work/track_motifs.time"
echo "merged motifs: $(grep -c '^MOTIF' "$work/merged/motifs.meme"), DRE: $(dre "$work/merged" || true);" \
  "plrp motifs --track merged/relevance.bw: $(grep -c '^MOTIF' "$work/track-motifs/motifs.meme") motifs, DRE:" \
  "$(dre "$work/track-motifs" || true), $tm_wall s, peak RSS $(calc '%.0f' "$tm_kb / 1024") MB"
record job track_motifs wall_s "$tm_wall"; record job track_motifs peak_rss_kb "$tm_kb"
[ -n "$(dre "$work/merged")" ] || { echo "genome.sh: the merged motifs have no DRE match" >&2; exit 1; }
half=$((2 * shards))
timed control "$plrp" run --model "$model" --fasta "$genome" --shard "1/$half" "${arrays_option[@]}" \
  --threads "$threads" -o "$work/control" --quiet
report control "control: run --shard 1/$half" "$work/control"

manifest=$work/shards/1/manifest.json
setting() { sed -n "s/^ *\"$1\" : \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$manifest" | head -1; }
echo "settings (shard 1's manifest): windows of $(setting window) bp every $(setting step) bp, method $(setting method)," \
  "PLRP $(setting plrp) p = $(setting prune), composite $(setting composite), tracks $(setting tracks)"

# Totals over the shards and the merge (the control job left out).
read -r shard_wall shard_cpu shard_kb shard_min_kb shard_max_wall shard_bases shard_bytes < <(
  for i in $(seq 1 "$shards"); do
    read -r wall user sys kb < "$work/shard_$i.time"
    echo "$wall $user $sys $kb $(span_of "$work/shards/$i") $(du -sb "$work/shards/$i" | cut -f1)"
  done | awk '{ wall += $1; cpu += $2 + $3; if ($4 > kb) kb = $4; if (NR == 1 || $4 < low) low = $4
                if ($1 > slowest) slowest = $1; bases += $5; bytes += $6 }
    END { printf "%.2f %.2f %d %d %.2f %d %d\n", wall, cpu, kb, low, slowest, bases, bytes }')
read -r merge_wall merge_user merge_sys merge_kb < "$work/merge.time"
merge_cpu=$(calc '%.2f' "$merge_user + $merge_sys")
read -r _ _ _ control_kb < "$work/control.time"
control_bases=$(span_of "$work/control")
total_wall=$(calc '%.2f' "$shard_wall + $merge_wall")
total_cpu=$(calc '%.2f' "$shard_cpu + $merge_cpu")
mb() { calc '%.1f' "$1 / 1024"; }  # kB of RSS → MB
bytes() { awk -v b="$1" 'BEGIN { if (b >= 1e9) printf "%.2f GB", b / 1e9; else if (b >= 1e6) printf "%.1f MB", b / 1e6; else if (b >= 1e3) printf "%.1f kB", b / 1e3; else printf "%d B", b }'; }
duration() { awk -v s="$1" 'BEGIN { if (s >= 7200) printf "%.1f h", s / 3600; else if (s >= 120) printf "%.1f min", s / 60; else printf "%.1f s", s }'; }
echo "totals: shards $shard_wall s wall, $shard_cpu s CPU; merge $merge_wall s wall, $merge_cpu s CPU;" \
  "all $(duration "$total_wall") wall, $(calc '%.4f' "$total_cpu / 3600") core-hours ((user + sys) / 3600);" \
  "peak RSS $(mb "$shard_min_kb")–$(mb "$shard_kb") MB per shard job, $(mb "$merge_kb") MB for the merge"
record total shards wall_s "$shard_wall"; record total shards cpu_s "$shard_cpu"
record total shards peak_rss_kb "$shard_kb"; record total shards output_bytes "$shard_bytes"
record total all wall_s "$total_wall"; record total all core_hours "$(calc '%.6f' "$total_cpu / 3600")"

# Output sizes. Tracks, windows and arrays hold a line or value per base or window and follow the bases, as do
# seqlets and instances with arrays (one per site); the motif files hold a record per motif, the manifest one per
# input, and without arrays seqlets.bed lists the strongest --max-seqlets per sign: these do not.
unscaled() {
  case $1 in
    motifs.meme|cwms.tsv|matches.tsv|report.html) echo "one record per motif, not per base";;
    manifest.json) echo "fixed size";;
    seqlets.bed|instances.bed) [ "$arrays" = none ] || return 1; echo "without arrays the --max-seqlets strongest seqlets per sign are listed";;
    *) return 1;;
  esac
}
echo "merged outputs:"
for file in "$work/merged"/*; do
  name=${file##*/} size=$(stat -c %s "$file")
  printf '  %-26s %12d bytes  %10s\n' "$name" "$size" "$(bytes "$size")"
  record output "$name" bytes "$size"
done
printf '  %-26s %12d bytes  %10s  (the %d shard folders, intermediate)\n' shards "$shard_bytes" "$(bytes "$shard_bytes")" \
  "$shards"

# The hg38 projection: jobs of the measured shard size, so per-job time and memory are the measured ones.
scale=$(calc '%.4f' "$hg38 / $genome_bases")
per_job=$(calc '%.0f' "$shard_bases / $shards")
jobs=$(calc '%d' "int($hg38 / $per_job) + ($hg38 % $per_job > 0)")
mean_wall=$(calc '%.1f' "$shard_wall / $shards")
echo "projection to hg38, $hg38 bp (GRCh38 primary assembly: chromosomes, chrM, unlocalized and unplaced scaffolds," \
  "N gaps included; no alt loci); scale = $hg38 / $genome_bases bp = $scale:"
echo "  jobs: $jobs = ceil($hg38 bp / $per_job bp per job), the measured shard size (mean of the $shards shards' window spans)"
echo "  time per job: $mean_wall s wall (slowest $shard_max_wall s), as measured: the mean of the $shards shards of equal" \
  "size, $threads threads each"
echo "  shard core-hours: $(calc '%.2f' "$shard_cpu * $scale / 3600") = $shard_cpu CPU s × $scale / 3600" \
  "(linear in bases: every window costs the same)"
ratio=$(calc '%.2f' "$control_kb / $shard_kb")
fraction=$(calc '%.2f' "$control_bases / $per_job")
if awk "BEGIN { exit !($control_kb >= 0.9 * $shard_kb) }"; then
  memory_note="it does not follow the shard's size: the control job of $control_bases bp ($fraction× a shard's bases) peaked at $(mb "$control_kb") MB, $ratio× that"
else
  memory_note="it grows with the shard's size: the control job of $control_bases bp ($fraction× a shard's bases) peaked at $(mb "$control_kb") MB, $ratio× that; keep hg38 jobs at the measured size"
fi
echo "  memory per job: $(mb "$shard_kb") MB = the largest peak RSS of the $shards shard jobs (smallest" \
  "$(mb "$shard_min_kb") MB); $memory_note"
echo "  merge: $(duration "$(calc '%.1f' "$merge_wall * $scale")") wall = $merge_wall s × $scale," \
  "$(calc '%.2f' "$merge_cpu * $scale / 3600") core-hours = $merge_cpu CPU s × $scale / 3600 (linear in bases;" \
  "one job over $jobs shards instead of $shards)"
echo "  merge memory: $(mb "$merge_kb") MB, as measured at $genome_bases bp; not scaled: without arrays it does not grow" \
  "with the genome (benchmarks/merge.sh), and each shard adds a few kB of edge windows"
echo "  core-hours in all: $(calc '%.2f' "$total_cpu * $scale / 3600") = $total_cpu CPU s (shards + merge) × $scale / 3600"
record projection hg38 bases "$hg38"; record projection hg38 scale "$scale"; record projection hg38 jobs "$jobs"
record projection hg38 bases_per_job "$per_job"; record projection hg38 wall_s_per_job "$mean_wall"
record projection hg38 shard_core_hours "$(calc '%.4f' "$shard_cpu * $scale / 3600")"
record projection hg38 peak_rss_kb_per_job "$shard_kb"; record projection control bases "$control_bases"
record projection control peak_rss_kb "$control_kb"
record projection hg38 merge_wall_s "$(calc '%.1f' "$merge_wall * $scale")"
record projection hg38 merge_core_hours "$(calc '%.4f' "$merge_cpu * $scale / 3600")"
record projection hg38 merge_peak_rss_kb_measured "$merge_kb"
record projection hg38 core_hours "$(calc '%.4f' "$total_cpu * $scale / 3600")"
for file in "$work/merged"/*; do
  name=${file##*/} size=$(stat -c %s "$file")
  if note=$(unscaled "$name"); then
    echo "  $name: $(bytes "$size"), as measured ($note)"
    record projection "$name" bytes "$size"
  else
    echo "  $name: $(bytes "$(calc '%.0f' "$size * $scale")") = $(bytes "$size") × $scale"
    record projection "$name" bytes "$(calc '%.0f' "$size * $scale")"
  fi
done
echo "  shard folders: $(bytes "$(calc '%.0f' "$shard_bytes * $scale")") = $(bytes "$shard_bytes") × $scale" \
  "(intermediate: deletable after the merge)"
record projection shards bytes "$(calc '%.0f' "$shard_bytes * $scale")"
[ -z "${OUT_TSV:-}" ] || { cp "$tsv" "$OUT_TSV"; echo "figures: $OUT_TSV"; }
