import GenomeIO

/// The track of a streamed run rebuilt from its shards' tracks without their windows: every base that one shard's
/// windows alone cover keeps that shard's value (the same windows gave it, in the same order), and the bases where
/// two shards' windows meet — the zones — are recomputed from the shards' edge windows (`ShardEdges`), which are all
/// the windows covering them. Memory holds the edges and the zones, a few windows per shard, whatever the genome.
public struct ShardTrackJoin {
    public let contigs: ContigTable
    /// Per shard in shard order, its edge windows.
    public let edges: [ShardEdges]
    /// Bases windows of two shards cover: from the first window of a shard to the furthest end of the windows before
    /// it on that contig.
    public let zones: TrackExtent

    public init(contigs: ContigTable, edges: [ShardEdges], windowLength: Int) throws {
        self.contigs = contigs
        self.edges = edges
        var zones: [TrackExtent.Span] = []
        var reach: (contig: Int, end: Int)?
        for shard in edges {
            guard let first = shard.edges.first?.window, let last = shard.edges.last?.window else { continue }
            guard let contig = contigs.index(of: first.contig), let lastContig = contigs.index(of: last.contig) else {
                throw TracksError("edge window on contig '\(first.contig)' or '\(last.contig)', which the track does not hold")
            }
            if let reach, reach.contig == contig, reach.end > first.start {
                zones.append(TrackExtent.Span(contig: contig, start: first.start, end: reach.end))
            }
            reach = (lastContig, last.start + windowLength)
        }
        self.zones = TrackExtent(zones)
    }

    /// Track `track`'s values over the zones, where `extent` (the run's track) holds bases: the edge windows fed in
    /// genome order to the aggregation the run used.
    public func zoneRuns(track: Int, aggregation: Aggregation, extent: TrackExtent) throws -> [TrackRun] {
        let collected = CollectedRuns()
        let aggregator = TrackAggregator(contigs: contigs, mode: aggregation, extent: zones.intersection(extent),
                                         output: RunMerger([collected], keepsZeros: true))
        for shard in edges {
            for edge in shard.edges {
                try aggregator.add(contig: edge.window.contig, start: edge.window.start, end: edge.window.end,
                                   values: edge.values[track][...])
            }
        }
        try aggregator.finish()
        return collected.runs
    }

    /// Feeds `output` the joined track: each shard's runs (`shardTracks`, bigWigs in shard order, whose float32
    /// values are the bedGraphs' without a decimal round trip) outside the zones, with `zoneRuns` in their place; the
    /// caller finishes `output`.
    public func join(_ shardTracks: [String], zoneRuns: [TrackRun], into output: RunMerger) throws {
        let zones = self.zones.spans
        var z = 0, r = 0
        func zoneRunsBefore(_ contig: Int, _ position: Int) throws {
            while r < zoneRuns.count, (zoneRuns[r].contig, zoneRuns[r].start) < (contig, position) {
                try output.add(zoneRuns[r])
                r += 1
            }
        }
        func piece(_ run: TrackRun, _ start: Int, _ end: Int) throws {
            guard start < end else { return }
            try zoneRunsBefore(run.contig, start)
            try output.add(TrackRun(contig: run.contig, start: start, end: end, value: run.value))
        }
        for path in shardTracks {
            let runs = try BigWigRuns(path: path, contigs: contigs)
            while let run = try runs.next() {
                while z < zones.count, (zones[z].contig, zones[z].end) <= (run.contig, run.start) { z += 1 }
                var start = run.start, k = z
                while start < run.end, k < zones.count, zones[k].contig == run.contig, zones[k].start < run.end {
                    try piece(run, start, zones[k].start)
                    start = max(start, min(run.end, zones[k].end))
                    k += 1
                }
                try piece(run, start, run.end)
            }
        }
        try zoneRunsBefore(Int.max, Int.max)
    }
}

extension TrackExtent {
    /// The bases both extents hold.
    public func intersection(_ other: TrackExtent) -> TrackExtent {
        var parts: [Span] = []
        var i = 0, j = 0
        let a = spans, b = other.spans
        while i < a.count, j < b.count {
            if a[i].contig != b[j].contig {
                if a[i].contig < b[j].contig { i += 1 } else { j += 1 }
                continue
            }
            let start = max(a[i].start, b[j].start), end = min(a[i].end, b[j].end)
            if start < end { parts.append(Span(contig: a[i].contig, start: start, end: end)) }
            if a[i].end < b[j].end { i += 1 } else { j += 1 }
        }
        return TrackExtent(parts)
    }
}
