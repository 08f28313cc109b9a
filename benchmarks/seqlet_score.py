#!/usr/bin/env python3
"""Seqlet precision and recall against planted sites (the rule of Tests/CLITests/MotifRecoveryTests.swift).

A positive seqlet in the row explaining output M of sequence S is right when its core (thickStart..thickEnd) covers
at least half of a site of motif M in S; a site is found when such a seqlet covers it. Standard library only.
Usage: seqlet_score.py seqlets.bed ground_truth.bed
"""
import collections
import sys

sites = collections.defaultdict(list)
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    sites[(f[0], f[3])].append((int(f[1]), int(f[2])))
right = total = 0
found = set()
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    f = line.rstrip("\n").split("\t")
    name = f[3].split("|")
    if name[0] != "pos":
        continue
    total += 1
    core = (int(f[6]), int(f[7]))
    key = (f[0], name[-1])
    hits = [s for s in sites[key] if min(core[1], s[1]) - max(core[0], s[0]) >= (s[1] - s[0] + 1) // 2]
    right += bool(hits)
    found.update((key, s) for s in hits)
planted = sum(len(v) for v in sites.values())
print(f"{right / max(total, 1):.3f} {len(found) / max(planted, 1):.3f} {total} {planted}")
