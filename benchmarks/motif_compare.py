#!/usr/bin/env python3
"""plrp motifs and modisco-lite side by side on the same ohe.npz/attr.npz (benchmarks/motifs.sh).

Both tools' motifs are annotated by one matcher, memelite's tomtom against the same MEME database (PFMs trimmed to the
columns holding at least 30% of the strongest column's |CWM|, as plrp trims and modisco-lite's report does); a planted
motif is recovered when it is some motif's best match with q < 0.05 (Benjamini-Hochberg over the database). Seqlets
are scored against the planted sites: a positive seqlet in the row explaining output M of sequence S is right when its
core covers at least half of a site of M in S (seqlet_score.py's rule; modisco-lite's are the seqlets of its
patterns, core = the seqlet less its flanks). Negative seqlets are counted per row whose sequence holds no site of the
explained output's motif. GROUND_TRUTH "-" (real data, nothing planted): motifs and their matches, times and memory
only.
Usage: motif_compare.py TASK EXPLAIN_DIR PLRP_MOTIFS_DIR MODISCO_H5 GROUND_TRUTH DATABASE PLANTED_IDS FLANK
       PLRP_SECONDS PLRP_MB MODISCO_SECONDS MODISCO_MB
"""
import collections
import sys

import h5py
import numpy as np
from memelite import tomtom

(task, explain, plrp_dir, h5, truth, database, planted, flank,
 plrp_s, plrp_mb, modisco_s, modisco_mb) = sys.argv[1:13]
planted = planted.split(",")
flank = int(flank)


def read_meme(path):
    motifs, current, name = [], None, None
    for line in open(path):
        f = line.split()
        if line.startswith("MOTIF"):
            name = (f[1], " ".join(f[2:]))
            current = []
            motifs.append((name, current))
        elif current is not None and len(f) == 4 and not line.startswith(("letter", "URL", "#")):
            try:
                current.append([float(x) for x in f])
            except ValueError:
                pass
    return [(n, np.array(c).T) for n, c in motifs if c]


db = read_meme(database)
db_ids = [n[0] for n, _ in db]
targets = [m for _, m in db]


def bh(p):
    order = np.argsort(p)
    q = np.empty_like(p)
    running = 1.0
    for rank in range(len(p) - 1, -1, -1):
        i = order[rank]
        running = min(running, p[i] * len(p) / (rank + 1))
        q[i] = running
    return q


def annotate(pfms):
    """Best database match and its q-value for each (4, L) PFM."""
    if not pfms:
        return []
    p = tomtom(pfms, targets)[0]
    out = []
    for row in p:
        q = bh(row)
        best = int(np.argmin(row))
        out.append((db_ids[best], db[best][0][1], float(q[best])))
    return out


def trim(pfm, cwm, fraction=0.3):
    importance = np.abs(cwm).sum(axis=0)
    keep = np.where(importance >= fraction * importance.max())[0]
    return pfm[:, keep[0]:keep[-1] + 1]


# Ground truth: sites per (sequence, motif id).
sites = collections.defaultdict(list)
for line in open(truth) if truth != "-" else []:
    f = line.rstrip("\n").split("\t")
    sites[(f[0], f[3])].append((int(f[1]), int(f[2])))
rows = [line.rstrip("\n").split("\t") for line in open(f"{explain}/windows.bed") if not line.startswith("#")]
row_key = [(r[0], r[3].split("|")[-1]) for r in rows]  # (sequence, explained output)
no_site_rows = sum(1 for k in row_key if not sites.get(k))
planted_sites = sum(len(v) for v in sites.values())


def score(seqlets):
    """seqlets: (row, core_start, core_end, sign). Precision, recall, negatives per no-site row."""
    right = total = negatives = 0
    found = set()
    for row, c0, c1, sign in seqlets:
        key = row_key[row]
        if sign < 0:
            negatives += not sites.get(key)
            continue
        total += 1
        hits = [s for s in sites.get(key, []) if min(c1, s[1]) - max(c0, s[0]) >= (s[1] - s[0] + 1) // 2]
        right += bool(hits)
        found.update((key, s) for s in hits)
    return right / max(total, 1), len(found) / max(planted_sites, 1), negatives / max(no_site_rows, 1), total


# plrp: motifs.meme + cwms.tsv, seqlets.bed (rows found by window name order).
plrp_pfms = [m for _, m in read_meme(f"{plrp_dir}/motifs.meme")]
plrp_names = [n[0] for n, _ in read_meme(f"{plrp_dir}/motifs.meme")]
index = {(r[0], r[3]): i for i, r in enumerate(rows)}
plrp_seqlets = []
for line in open(f"{plrp_dir}/seqlets.bed"):
    if line.startswith("#"):
        continue
    f = line.rstrip("\n").split("\t")
    sign, window = f[3].split("|", 1)
    plrp_seqlets.append((index[(f[0], window)], int(f[6]), int(f[7]), 1 if sign == "pos" else -1))

# modisco-lite: patterns and their seqlets.
m = h5py.File(h5, "r")
mod_pfms, mod_names, mod_seqlets = [], [], []
for group, sign in (("pos_patterns", 1), ("neg_patterns", -1)):
    if group not in m:
        continue
    for name in sorted(m[group], key=lambda n: int(n.split("_")[1])):
        p = m[group][name]
        mod_pfms.append(trim(np.asarray(p["sequence"]).T, np.asarray(p["contrib_scores"]).T))
        mod_names.append(f"{group[:3]}_{name.split('_')[1]}")
        s = p["seqlets"]
        for r, a, b in zip(s["example_idx"][:], s["start"][:], s["end"][:]):
            mod_seqlets.append((int(r), int(a) + flank, int(b) - flank, sign))

results = {}
for tool, pfms, names, seqlets, seconds, mb in (("plrp motifs", plrp_pfms, plrp_names, plrp_seqlets, plrp_s, plrp_mb),
                                                ("modisco-lite", mod_pfms, mod_names, mod_seqlets, modisco_s, modisco_mb)):
    best = annotate(pfms)
    recovered = sorted({b[0] for b in best if b[2] < 0.05} & set(planted))
    precision, recall, negatives, positives = score(seqlets)
    results[tool] = (len(pfms), recovered, precision, recall, negatives, float(seconds), float(mb))
    matched = sum(b[2] < 0.05 for b in best)
    print(f"  {tool}: {len(pfms)} motifs, {matched} with a match at q < 0.05; planted recovered {len(recovered)}/{len(planted)} {recovered}")
    for n, b in zip(names, best):
        print(f"    {n:8s} best {b[0]} {b[1]} q={b[2]:.2g}")
    if truth == "-":
        print(f"    {float(seconds):.2f} s, {float(mb):.0f} MB")
        continue
    print(f"    seqlets: {positives} positive, precision {precision:.3f}, recall {recall:.3f}; "
          f"{negatives:.3f} negative per row with no planted site ({no_site_rows} such rows); {float(seconds):.2f} s, {float(mb):.0f} MB")

if truth == "-":
    sys.exit(0)
p, d = results["plrp motifs"], results["modisco-lite"]
print(f"| {task} | {p[0]} / {d[0]} | {len(p[1])}/{len(planted)} / {len(d[1])}/{len(planted)} | {p[2]:.3f} / {d[2]:.3f} | "
      f"{p[3]:.3f} / {d[3]:.3f} | {p[4]:.3f} / {d[4]:.3f} | {p[5]:.2f} / {d[5]:.1f} ({d[5] / max(p[5], 1e-9):.0f}x) | {p[6]:.0f} / {d[6]:.0f} |")
ok = (set(d[1]) <= set(p[1]) and p[0] <= 2 * max(d[0], 1) and p[4] <= 0.1 and p[2] >= 0.8 and p[3] >= 0.8
      and d[5] >= 5 * p[5])
print(f"  done-when: {'met' if ok else 'NOT met'} (plrp recovers what modisco-lite recovers, <= 2x its motifs, "
      f"<= 0.1 negatives per no-site row, precision and recall >= 0.8, >= 5x faster)")
sys.exit(0 if ok else 1)
