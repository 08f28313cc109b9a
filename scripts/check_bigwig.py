"""Checks a bigWig written by plrp with bx-python, an independent reader derived from UCSC's code (development only).

Usage: .venv/bin/python scripts/check_bigwig.py TRACK.bw TRACK.bedGraph.gz

Every run of the bedGraph must read back from the bigWig with the same bounds and float32 value, and the zoom
summaries at 1-256 kb bins (aligned, so each covers whole zoom bins) must equal the bedGraph's bases covered,
minimum, maximum and sum.
"""
import gzip, sys
import numpy as np
from bx.bbi.bigwig_file import BigWigFile

bw_path, bg_path = sys.argv[1], sys.argv[2]
runs = {}
with gzip.open(bg_path, 'rt') as f:
    for line in f:
        if line.startswith('track'): continue
        c, s, e, v = line.split('\t')
        runs.setdefault(c, []).append((int(s), int(e), float(np.float32(v))))
bw = BigWigFile(open(bw_path, 'rb'))
for c, rs in runs.items():
    lo, hi = rs[0][0], rs[-1][1]
    got = bw.get(c.encode(), lo, hi)
    assert [(a, b) for a, b, _ in got] == [(a, b) for a, b, _ in rs], "intervals differ"
    assert all(np.float32(x[2]) == np.float32(y[2]) for x, y in zip(got, rs)), "values differ"
    print(c, len(rs), "runs read back equal")
    dense = np.full(hi, np.nan)
    for s, e, v in rs: dense[s:e] = v
    for size in [1024, 4096, 16384, 65536, 262144]:
        start = (lo // size) * size
        bins = (hi - start + size - 1) // size
        end = start + bins * size
        s = bw.summarize(c, start, end, bins)
        seg = np.full(end, np.nan); seg[:hi] = dense[:hi]; seg = seg[start:end].reshape(bins, size)
        cov = (~np.isnan(seg)).sum(1)
        ok = cov > 0
        assert (s.valid_count[ok] == cov[ok]).all(), ("coverage", size)
        assert np.allclose(s.max_val[ok], np.nanmax(seg[ok], 1)), ("max", size)
        assert np.allclose(s.min_val[ok], np.nanmin(seg[ok], 1)), ("min", size)
        assert np.allclose(s.sum_data[ok], np.nansum(seg[ok], 1), rtol=1e-4, atol=1e-4), ("sum", size)
        print(f"  summaries at {size} bp bins: {ok.sum()} bins equal the bedGraph's (coverage, min, max, sum)")
