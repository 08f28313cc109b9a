/// Streams the windows of a list of regions from a FASTA file in input order, in batches whose bases lie in one
/// contiguous buffer (`batch.count × length` bytes, row i = window i). Sequence is read in chunks of about
/// `chunkBases`, so memory stays bounded whatever the region length.
public struct WindowStream {
    public let fasta: FastaFile
    public let regions: [GenomicRegion]
    public let plan: WindowPlan
    public var chunkBases: Int = 1 << 20

    public init(fasta: FastaFile, regions: [GenomicRegion], plan: WindowPlan) {
        self.fasta = fasta
        self.regions = regions
        self.plan = plan
    }

    /// Windows in all regions.
    public var windowCount: Int { regions.reduce(0) { $0 + plan.count(over: $1) } }

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

        for region in regions {
            guard let contigLength = fasta.contigs.length(of: region.contig) else {
                throw GenomeIOError.data("unknown contig '\(region.contig)' in '\(fasta.path)'")
            }
            for i in 0..<plan.count(over: region) {
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
