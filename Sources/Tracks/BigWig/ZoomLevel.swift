/// One zoom level, built while the runs stream past: a summary of each `reduction`-base bin that holds data, bins
/// aligned to multiples of `reduction` on each contig, so that a bin of the next level (four times as wide) is four
/// whole bins of this one and is summed from their summaries. Finished summaries are compressed in blocks into a
/// scratch file beside the output, so memory does not grow with the contig; the writer copies them in at the end.
final class ZoomLevel {
    /// What a zoom record holds: the covered part `[start, end)` of one bin, bases with data, and their statistics.
    struct Summary {
        var contig: UInt32
        var start: UInt32
        var end: UInt32
        var bases: UInt32
        var minimum: Float
        var maximum: Float
        var sum: Double
        var squares: Double

        /// `value` over `[start, end)`.
        init(contig: UInt32, start: UInt32, end: UInt32, value: Float) {
            let bases = end - start
            self.contig = contig
            self.start = start
            self.end = end
            self.bases = bases
            minimum = value
            maximum = value
            sum = Double(value) * Double(bases)
            squares = Double(value) * Double(value) * Double(bases)
        }

        /// Adds `value` over `[start, end)`, which follows this summary in its bin.
        mutating func absorb(start: UInt32, end: UInt32, value: Float) {
            let width = end - start
            self.end = end
            bases += width
            minimum = min(minimum, value)
            maximum = max(maximum, value)
            sum += Double(value) * Double(width)
            squares += Double(value) * Double(value) * Double(width)
        }

        mutating func absorb(_ other: Summary) {
            end = other.end
            bases += other.bases
            minimum = min(minimum, other.minimum)
            maximum = max(maximum, other.maximum)
            sum += other.sum
            squares += other.squares
        }
    }

    let reduction: UInt32
    /// Summaries stored so far.
    private(set) var count = 0
    private(set) var entries: [BlockEntry] = []
    private let scratch: BinaryFile
    /// The bin being summed (the writer sums level 0 itself, in place).
    var open: Summary?
    private var block: [UInt32] = []
    private var blockStart: (contig: UInt32, start: UInt32) = (0, 0)
    private var blockEnd: UInt32 = 0

    init(reduction: UInt32, scratchPath: String) throws {
        self.reduction = reduction
        scratch = try BinaryFile(scratchAt: scratchPath)
        block.reserveCapacity(8 * BigWigFormat.itemsPerBlock)
    }

    /// Adds `piece`, which lies inside one bin. Returns the summary of the bin this closes, already stored.
    func add(_ piece: Summary, compressor: BlockCompressor) throws -> Summary? {
        if var current = open, current.contig == piece.contig, current.start / reduction == piece.start / reduction {
            current.absorb(piece)
            open = current
            return nil
        }
        let closed = try close(compressor: compressor)
        open = piece
        return closed
    }

    /// Stores the open bin's summary, if any, and returns it.
    func close(compressor: BlockCompressor) throws -> Summary? {
        guard let summary = open else { return nil }
        open = nil
        try store(summary, compressor: compressor)
        return summary
    }

    /// Stores a finished bin's summary.
    func store(_ summary: Summary, compressor: BlockCompressor) throws {
        if !block.isEmpty, summary.contig != blockStart.contig { try flush(compressor: compressor) }
        if block.isEmpty { blockStart = (summary.contig, summary.start) }
        for word in [summary.contig, summary.start, summary.end, summary.bases, summary.minimum.bitPattern,
                     summary.maximum.bitPattern, Float(summary.sum).bitPattern, Float(summary.squares).bitPattern] {
            block.append(word.littleEndian)
        }
        blockEnd = summary.end
        count += 1
        if block.count == 8 * BigWigFormat.itemsPerBlock { try flush(compressor: compressor) }
    }

    /// Compresses the pending summaries into the scratch file.
    func flush(compressor: BlockCompressor) throws {
        guard !block.isEmpty else { return }
        let offset = UInt64(scratch.offset)
        let size = try compressor.write(block, to: scratch)
        entries.append(BlockEntry(contig: blockStart.contig, start: blockStart.start, end: blockEnd, offset: offset, size: size))
        block.removeAll(keepingCapacity: true)
    }

    /// Appends the compressed blocks to `file`; entry offsets are relative to where they land.
    func copyBlocks(to file: BinaryFile) throws {
        try scratch.copy(scratch.offset, to: file)
    }
}
