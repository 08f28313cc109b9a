#!/usr/bin/env bash
# Makes Tests/Fixtures/cigar_flags.{sam,bam,bam.bai,cram,cram.crai}: reads cut from the shipped dm3 chr2R with
# hand-written CIGARs (soft/hard clips, insertions, deletions, splices, =/X) and every filter-relevant flag and a
# range of mapping qualities, so the BAM reader's filters and position maps are checked against samtools.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
genome=$top/data/genome/dm3_chr2R.fa.gz
out=$top/Tests/Fixtures
mkdir -p "$out"
python3 - "$genome" > "$out/cigar_flags.sam" <<'PY'
import subprocess, sys
genome = sys.argv[1]
def ref(start, length):  # 0-based start
    text = subprocess.run(["samtools", "faidx", genome, f"chr2R:{start+1}-{start+length}"],
                          check=True, capture_output=True, text=True).stdout
    return "".join(text.split("\n")[1:]).upper()
comp = str.maketrans("ACGTN", "TGCAN")
print("@HD\tVN:1.6\tSO:coordinate")
print("@SQ\tSN:chr2R\tLN:21146708")
# name, flag, pos0, mapq, cigar as (op, len) list
reads = [
    ("plain_fwd", 0, 1000100, 60, [("M", 40)]),
    ("plain_rev", 16, 1000150, 60, [("M", 40)]),
    ("softclip", 0, 1000200, 40, [("S", 5), ("M", 30), ("S", 3)]),
    ("insertion", 16, 1000250, 30, [("M", 15), ("I", 4), ("M", 20)]),
    ("deletion", 0, 1000300, 50, [("M", 12), ("D", 6), ("M", 25)]),
    ("splice", 16, 1000350, 50, [("M", 10), ("N", 300), ("M", 30)]),
    ("hardclip", 0, 1000400, 20, [("H", 7), ("M", 33)]),
    ("eqx", 0, 1000450, 25, [("=", 10), ("X", 1), ("=", 20)]),
    ("lowmapq", 0, 1000500, 5, [("M", 40)]),
    ("mapq10", 16, 1000510, 10, [("M", 40)]),
    ("secondary", 256, 1000520, 60, [("M", 40)]),
    ("qcfail", 512, 1000530, 60, [("M", 40)]),
    ("duplicate", 1024, 1000540, 60, [("M", 40)]),
    ("supplementary", 2048, 1000550, 60, [("S", 10), ("M", 30)]),
    ("unmapped_placed", 4, 1000560, 0, []),
    ("paired_first", 1 | 2 | 64 | 32, 1000570, 60, [("M", 40)]),
]
for name, flag, pos, mapq, cigar in reads:
    if not cigar:
        seq = ref(pos, 40)
        print(f"{name}\t{flag}\tchr2R\t{pos+1}\t{mapq}\t*\t*\t0\t0\t{seq}\t*")
        continue
    parts = []
    p = pos
    for op, n in cigar:
        if op in "M=X":
            s = ref(p, n)
            if op == "X":
                s = "".join({"A": "C", "C": "G", "G": "T", "T": "A"}.get(c, "A") for c in s)
            parts.append(s); p += n
        elif op in "IS":
            parts.append(("ACGTTGCA" * 4)[:n])
        elif op in "DN":
            p += n
    seq = "".join(parts)
    cig = "".join(f"{n}{op}" for op, n in cigar)
    mate = "=\t%d\t0" % (pos + 201) if flag & 1 else "*\t0\t0"
    print(f"{name}\t{flag}\tchr2R\t{pos+1}\t{mapq}\t{cig}\t{mate}\t{seq}\t*")
PY
samtools view -b --no-PG -o "$out/cigar_flags.bam" "$out/cigar_flags.sam"
samtools index "$out/cigar_flags.bam"
samtools view -C --no-PG -T "$genome" -o "$out/cigar_flags.cram" "$out/cigar_flags.sam"
samtools index "$out/cigar_flags.cram"
# An unindexed copy, for the missing-index error.
cp "$out/cigar_flags.bam" "$out/no_index.bam"
ls -l "$out"
