/// Streams the windows of a list of regions from a FASTA file in input order, in batches whose bases lie in one
/// contiguous buffer (`batch.count × length` bytes, row i = window i). Sequence is read in chunks of about
/// `chunkBases`, so memory stays bounded whatever the region length.
public struct WindowStream {
    public let fasta: FastaFile
    public let regions: [GenomicRegion]
    public let plan: WindowPlan
    public var chunkBases: Int = 1 << 20
    /// Only these global window indices (all windows when nil): a shard of the run.
    public var only: Range<Int>?

    public init(fasta: FastaFile, regions: [GenomicRegion], plan: WindowPlan) {
        self.fasta = fasta
        self.regions = regions
        self.plan = plan
    }

    /// Windows in all regions.
    public var allWindowCount: Int { regions.reduce(0) { $0 + plan.count(over: $1) } }

    /// Windows this stream yields (those of `only` when set).
    public var windowCount: Int { only?.count ?? allWindowCount }

    /// One batch: the windows and their bases, padded with `N` past contig ends.
    public struct Batch {
        public internal(set) var windows: [Window] = []
        public internal(set) var bases: [UInt8] = []
        public var count: Int { windows.count }
    }

    /// Calls `body` with consecutive batches of at most `batchSize` windows. The batch's storage is reused between
    /// calls; copy what must outlive the call.
    public func forEachBatch(batchSize: Int, _ body: (Batch) throws -> Void) throws {
        precondition(batchSize > 0)
        let length = plan.length
        var batch = Batch()
        batch.windows.reserveCapacity(batchSize)
        batch.bases.reserveCapacity(batchSize * length)
        var chunk: [UInt8] = []
        var chunkContig = ""
        var chunkStart = 0
        var chunkEnd = 0

        var first = 0  // global index of the region's first window
        for region in regions {
            guard let contigLength = fasta.contigs.length(of: region.contig) else {
                throw GenomeIOError.data("unknown contig '\(region.contig)' in '\(fasta.path)'")
            }
            let count = plan.count(over: region)
            defer { first += count }
            var local = 0..<count
            if let only {
                local = local.clamped(to: (only.lowerBound - first)..<(only.upperBound - first))
                if local.isEmpty { continue }
            }
            for i in local {
                let window = plan.window(i, over: region)
                let readEnd = min(window.end, contigLength)
                if window.contig != chunkContig || window.start < chunkStart || readEnd > chunkEnd {
                    chunkContig = window.contig
                    chunkStart = window.start
                    chunkEnd = min(contigLength, window.start + max(chunkBases, length))
                    try fasta.fetch(contig: chunkContig, start: chunkStart, end: chunkEnd, into: &chunk)
                }
                let from = window.start - chunkStart
                batch.bases.append(contentsOf: chunk[from..<(from + readEnd - window.start)])
                if window.end > readEnd {
                    batch.bases.append(contentsOf: repeatElement(UInt8(ascii: "N"), count: window.end - readEnd))
                }
                batch.windows.append(window)
                if batch.count == batchSize {
                    try body(batch)
                    batch.windows.removeAll(keepingCapacity: true)
                    batch.bases.removeAll(keepingCapacity: true)
                }
            }
        }
        if batch.count > 0 { try body(batch) }
    }
}

/// Part `index` of `count` (1-based) of a run's windows: consecutive windows in input order, the parts as equal as
/// whole windows allow, so that the parts in order are exactly the run's windows.
public struct WindowShard: Sendable, Equatable {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// The global window indices of this part among `total` windows.
    public func range(total: Int) -> Range<Int> {
        (total * (index - 1) / count)..<(total * index / count)
    }
}
