#!/usr/bin/env bash
# Rebuilds data/promoters/ (training data of the default model) and data/genome/dm3_chr2R_tss.bed from Biostrings'
# dm3_upstream2000.fa.gz (Debian's r-bioc-biostrings): 26,454 real sequences, 2 kb upstream of RefSeq TSSs.
# Needs apt-get (Debian's archive), dpkg-deb and python3 (standard library only). Deterministic.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download r-bioc-biostrings
dpkg-deb -x r-bioc-biostrings_*.deb x
python3 "$top/scripts/promoter_windows.py" x/usr/lib/R/site-library/Biostrings/extdata/dm3_upstream2000.fa.gz "$top"
