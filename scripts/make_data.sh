#!/usr/bin/env bash
# Rebuilds data/genome and data/reads from Debian packages (data/README.md). Needs apt-get (Debian's archive),
# dpkg-deb, samtools and bgzip (Debian's samtools and tabix packages). Deterministic: same packages, same files.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download augustus-doc r-bioc-genomicalignments
for deb in *.deb; do dpkg-deb -x "$deb" x; done

# Genome: the complete dm3 chr2R (21,146,708 bp, soft-masked lower case kept), BGZF with .fai and .gzi.
mkdir -p "$top/data/genome"
bgzip -c -l 9 x/usr/share/doc/augustus/tutorial/data/chr2R.fa > "$top/data/genome/dm3_chr2R.fa.gz"
rm -f "$top/data/genome/dm3_chr2R.fa.gz".{fai,gzi}
samtools faidx "$top/data/genome/dm3_chr2R.fa.gz"

# Reads: the chr2R alignments of GenomicAlignments' sm_treated1.bam (real dm3 RNA-seq, TopHat),
# with the header cut down to chr2R so it matches the shipped genome.
bam=x/usr/lib/R/site-library/GenomicAlignments/extdata/sm_treated1.bam
samtools index "$bam"
{
  printf '@HD\tVN:1.0\tSO:coordinate\n'
  printf '@SQ\tSN:chr2R\tLN:21146708\n'
  samtools view -H "$bam" | grep '^@PG' | grep -v 'PN:samtools'
  samtools view "$bam" chr2R
} > chr2R.sam
mkdir -p "$top/data/reads"
samtools view -b --no-PG -o "$top/data/reads/sm_treated1_chr2R.bam" chr2R.sam
samtools index "$top/data/reads/sm_treated1_chr2R.bam"
ls -l "$top/data/genome" "$top/data/reads"
