#!/usr/bin/env python3
"""Cuts promoter training windows from dm3_upstream2000 records (called by make_promoter_data.sh).

Each record `NM_x_up_2000_<chrom>_<start>_<f|r> <chrom>:<start>-<end>` holds the 2,000 bases upstream of a TSS in
transcript orientation (f: the genome's + strand; r: reverse-complemented), so the TSS is the base after its 3' end.
Records are deduplicated by TSS and strand; only chr2L, chr2R, chr3L, chr3R, chr4 and chrX are kept.
- positives (label 1): the LENGTH bases just upstream of each TSS (the record's 3' end);
- negatives (label 0): the record's first LENGTH bases, 1,700-2,000 bases upstream of the TSS, kept only when no
  TSS of any record (either strand) lies within the window or MARGIN bases of it: in the compact fly genome the far
  upstream of one gene is often another gene's core promoter;
names are `<chrom>:<start>-<end>(<strand>)` of the window (0-based half-open), so `--holdout chr2R:` holds out chr2R.
Writes data/promoters/dm3_promoters_300.fa.gz, data/promoters/labels.tsv and data/genome/dm3_chr2R_tss.bed.
"""
import gzip
import os
import re
import sys

LENGTH = 300
MARGIN = 300
CHROMS = {"chr2L", "chr2R", "chr3L", "chr3R", "chr4", "chrX"}
source, top = sys.argv[1], sys.argv[2]

records = []
name, parts = None, []
with gzip.open(source, "rt") as f:
    for line in f:
        if line.startswith(">"):
            if name:
                records.append((name, "".join(parts)))
            name, parts = line[1:].strip(), []
        else:
            parts.append(line.strip())
records.append((name, "".join(parts)))

seen = {}
for header, seq in records:
    ident, location = header.split()
    strand = "+" if ident.endswith("_f") else "-"
    chrom, start_text, end_text = re.fullmatch(r"(\S+):(-?\d+)-(\d+)", location).groups()
    start1, end1 = int(start_text), int(end_text)
    # Records cut by a chromosome end (start < 1) are not 2 kb of real sequence.
    if chrom not in CHROMS or len(seq) != 2000 or start1 < 1:
        continue
    tss = end1 if strand == "+" else start1 - 2  # 0-based TSS
    key = (chrom, tss, strand)
    accession = ident.split("_up_")[0]
    if key in seen:
        seen[key][1].append(accession)
    else:
        seen[key] = (seq, [accession], start1 - 1, end1)

import bisect

tss_by_chrom = {}
for chrom, tss, _ in seen:
    tss_by_chrom.setdefault(chrom, []).append(tss)
for positions in tss_by_chrom.values():
    positions.sort()


def near_tss(chrom, start, end):
    positions = tss_by_chrom[chrom]
    i = bisect.bisect_left(positions, start - MARGIN)
    return i < len(positions) and positions[i] < end + MARGIN


def window_name(chrom, record_start0, record_end0, strand, offset):
    """Genome coordinates of record positions [offset, offset + LENGTH) in transcript orientation."""
    if strand == "+":
        return f"{chrom}:{record_start0 + offset}-{record_start0 + offset + LENGTH}(+)"
    return f"{chrom}:{record_end0 - offset - LENGTH}-{record_end0 - offset}(-)"

os.makedirs(os.path.join(top, "data", "promoters"), exist_ok=True)
fasta_path = os.path.join(top, "data", "promoters", "dm3_promoters_300.fa.gz")
labels_path = os.path.join(top, "data", "promoters", "labels.tsv")
tss_path = os.path.join(top, "data", "genome", "dm3_chr2R_tss.bed")
order = sorted(seen, key=lambda k: (k[0], k[1], k[2]))
with open(fasta_path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fa, \
        open(labels_path, "w") as labels:
    labels.write("name\tpromoter\n")
    written = set()
    for key in order:
        seq, accessions, record_start0, record_end0 = seen[key]
        chrom, _, strand = key
        for offset, label in ((2000 - LENGTH, 1), (0, 0)):
            name = window_name(chrom, record_start0, record_end0, strand, offset)
            if name in written:
                continue
            start, end = (int(v) for v in name.split(":")[1].split("(")[0].split("-"))
            if label == 0 and near_tss(chrom, start, end):
                continue
            written.add(name)
            fa.write(f">{name} {','.join(accessions)}\n{seq[offset:offset + LENGTH]}\n".encode())
            labels.write(f"{name}\t{label}\n")
with open(tss_path, "w") as bed:
    bed.write("track name=dm3_tss description=\"RefSeq TSSs on chr2R (Biostrings dm3_upstream2000)\"\n")
    for key in order:
        chrom, tss, strand = key
        if chrom == "chr2R":
            bed.write(f"{chrom}\t{tss}\t{tss + 1}\t{','.join(seen[key][1])}\t0\t{strand}\n")
print(f"{len(seen)} TSSs, {len(written)} windows")
