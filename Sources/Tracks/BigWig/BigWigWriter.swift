import GenomeIO

/// Writes a bigWig as the runs stream in, in one pass and in memory that does not grow with the track: runs go out in
/// compressed blocks of 1,024 (bedGraph sections, one contig per block), zoom levels are summed on the way and
/// spooled to scratch files, and the indexes are written at the end from one small entry per block. Every contig of
/// the sequence index is in the header (sizes from the index, never guessed).
///
/// Zoom levels follow libBigWig's ladder: the first is 16 × the mean run width (measured on the first block), each
/// next one 4 × wider, up to 10 levels or the longest contig, and a level that summarises no further is dropped.
public final class BigWigWriter: TrackSink {
    public let path: String
    private let contigs: ContigTable
    private let file: BinaryFile
    private let compressor = BlockCompressor()
    private var entries: [BlockEntry] = []
    private var zoom: [ZoomLevel] = []
    private var summary = Summary()
    private let dataOffset: Int
    /// Runs of the block being filled (fewer than `itemsPerBlock`, one contig).
    private var pending: [TrackRun] = []
    private var finished = false

    public init(path: String, contigs: ContigTable) throws {
        self.path = path
        self.contigs = contigs
        guard contigs.contigs.allSatisfy({ $0.length <= Int(UInt32.max) }) else {
            throw TracksError("cannot write '\(path)': bigWig holds contigs of at most 4 Gb")
        }
        file = try BinaryFile(writingTo: path)
        try file.write([UInt8](repeating: 0, count: BigWigFormat.contigTreeOffset))  // header, zoom headers, summary
        try ContigTree.write(contigs, to: file)
        dataOffset = file.offset
        try file.write([UInt8](repeating: 0, count: 8))  // block count
        pending.reserveCapacity(BigWigFormat.itemsPerBlock)
    }

    public func write(_ run: TrackRun) throws { try write(contentsOf: [run]) }

    /// Cuts the runs into blocks of `itemsPerBlock` runs of one contig; whole blocks go straight from `runs`.
    public func write(contentsOf runs: [TrackRun]) throws {
        let perBlock = BigWigFormat.itemsPerBlock
        var i = runs.startIndex
        while i < runs.endIndex {
            if !pending.isEmpty, pending[0].contig != runs[i].contig { try flushPending() }
            // The runs from i that can join one block: the same contig, up to the block's size.
            let contig = runs[i].contig
            var j = i
            let limit = min(runs.endIndex, i + perBlock - pending.count)
            while j < limit, runs[j].contig == contig { j += 1 }
            if pending.isEmpty && j - i == perBlock {
                try flushBlock(runs[i..<j])
            } else {
                pending += runs[i..<j]
                if pending.count == perBlock || j < runs.endIndex && runs[j].contig != contig { try flushPending() }
            }
            i = j
        }
    }

    private func flushPending() throws {
        guard !pending.isEmpty else { return }
        try flushBlock(pending[...])
        pending.removeAll(keepingCapacity: true)
    }

    public func finish() throws {
        precondition(!finished, "finish twice")
        finished = true
        try flushPending()
        for (k, level) in zoom.enumerated() {
            if let closed = try level.close(compressor: compressor), k + 1 < zoom.count { try add(closed, toZoomLevel: k + 1) }
            try level.flush(compressor: compressor)
        }
        let indexOffset = file.offset
        try BlockIndex.write(entries, endOfData: indexOffset, to: file)

        var kept = 0
        while kept < zoom.count, kept == 0 || zoom[kept].count < zoom[kept - 1].count { kept += 1 }
        var zoomHeaders: [UInt8] = []
        for level in zoom[..<kept] {
            let levelData = file.offset
            var count: [UInt8] = []
            count.appendLittleEndian(UInt32(level.entries.count))
            try file.write(count)
            try level.copyBlocks(to: file)
            let levelIndex = file.offset
            try BlockIndex.write(level.entries, shift: UInt64(levelData + 4), endOfData: levelIndex, to: file)
            zoomHeaders.appendLittleEndian(level.reduction)
            zoomHeaders.appendLittleEndian(UInt32(0))
            zoomHeaders.appendLittleEndian(UInt64(levelData))
            zoomHeaders.appendLittleEndian(UInt64(levelIndex))
        }
        var magic: [UInt8] = []
        magic.appendLittleEndian(BigWigFormat.magic)
        try file.write(magic)

        try file.seek(to: 0)
        try file.write(header(zoomLevels: kept, indexOffset: indexOffset))
        try file.write(zoomHeaders)
        try file.seek(to: BigWigFormat.summaryOffset)
        try file.write(summary.bytes())
        try file.seek(to: dataOffset)
        var blocks: [UInt8] = []
        blocks.appendLittleEndian(UInt64(entries.count))
        try file.write(blocks)
        try file.flush()
    }

    private func header(zoomLevels: Int, indexOffset: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(BigWigFormat.magic)
        bytes.appendLittleEndian(BigWigFormat.version)
        bytes.appendLittleEndian(UInt16(zoomLevels))
        bytes.appendLittleEndian(UInt64(BigWigFormat.contigTreeOffset))
        bytes.appendLittleEndian(UInt64(dataOffset))
        bytes.appendLittleEndian(UInt64(indexOffset))
        bytes.appendLittleEndian(UInt16(0))  // field count (bigBed only)
        bytes.appendLittleEndian(UInt16(0))  // defined field count
        bytes.appendLittleEndian(UInt64(0))  // autoSql offset
        bytes.appendLittleEndian(UInt64(BigWigFormat.summaryOffset))
        bytes.appendLittleEndian(UInt32(max(compressor.largestBlock, 1)))
        bytes.appendLittleEndian(UInt64(0))  // extension offset
        return bytes
    }

    /// Compresses `runs` (one contig) as one data block and sums them into the whole-file summary and the zoom levels.
    private func flushBlock(_ runs: ArraySlice<TrackRun>) throws {
        guard let firstRun = runs.first, let lastRun = runs.last else { return }
        if zoom.isEmpty { try makeZoomLevels(runs) }
        let contig = UInt32(firstRun.contig)
        var words = [UInt32](repeating: 0, count: 6 + 3 * runs.count)
        let sectionType = UInt32(BigWigFormat.bedGraphSection) | UInt32(runs.count) << 16
        words[0] = contig.littleEndian
        words[1] = UInt32(firstRun.start).littleEndian
        words[2] = UInt32(lastRun.end).littleEndian
        words[5] = sectionType.littleEndian
        var k = 6
        var summary = self.summary
        for run in runs {
            words[k] = UInt32(run.start).littleEndian
            words[k + 1] = UInt32(run.end).littleEndian
            words[k + 2] = run.value.bitPattern.littleEndian
            k += 3
            summary.add(run)
        }
        self.summary = summary
        let offset = UInt64(file.offset)
        let size = try compressor.write(words, to: file)
        entries.append(BlockEntry(contig: contig, start: UInt32(firstRun.start), end: UInt32(lastRun.end), offset: offset, size: size))

        // Level 0 is summed here, bin by bin; a bin it closes goes on to the next levels.
        let level = zoom[0], reduction = level.reduction
        var open = level.open
        for run in runs {
            var start = UInt32(run.start)
            let end = UInt32(run.end)
            while start < end {
                let bin = start / reduction
                let pieceEnd = min(end, (bin + 1) * reduction)
                if var summary = open, summary.contig == contig, summary.start / reduction == bin {
                    summary.absorb(start: start, end: pieceEnd, value: run.value)
                    open = summary
                } else {
                    if let closed = open { try closeLevelZero(closed) }
                    open = ZoomLevel.Summary(contig: contig, start: start, end: pieceEnd, value: run.value)
                }
                start = pieceEnd
            }
        }
        level.open = open
    }

    /// Stores a finished bin of level 0 and adds it to level 1.
    private func closeLevelZero(_ summary: ZoomLevel.Summary) throws {
        try zoom[0].store(summary, compressor: compressor)
        if zoom.count > 1 { try add(summary, toZoomLevel: 1) }
    }

    /// Adds a piece lying in one bin of level `k`; a bin it closes goes on to the next level.
    private func add(_ piece: ZoomLevel.Summary, toZoomLevel k: Int) throws {
        if let closed = try zoom[k].add(piece, compressor: compressor), k + 1 < zoom.count {
            try add(closed, toZoomLevel: k + 1)
        }
    }

    /// The zoom ladder, from the mean run width of the first block.
    private func makeZoomLevels(_ firstBlock: ArraySlice<TrackRun>) throws {
        let longest = UInt64(max(1, contigs.contigs.map(\.length).max() ?? 1))
        let bases = firstBlock.reduce(UInt64(0)) { $0 + UInt64($1.end - $1.start) }
        var reduction = min(longest, 16 * max(1, bases / UInt64(firstBlock.count)))
        while zoom.count < BigWigFormat.maxZoomLevels, reduction <= longest {
            zoom.append(try ZoomLevel(reduction: UInt32(reduction), scratchPath: "\(path).zoom\(zoom.count)"))
            reduction *= UInt64(BigWigFormat.zoomFactor)
        }
    }

    /// The whole-file summary: bases covered, minimum, maximum, sum and sum of squares.
    private struct Summary {
        var bases: UInt64 = 0
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var sum = 0.0
        var squares = 0.0

        mutating func add(_ run: TrackRun) {
            let width = Double(run.end - run.start), value = Double(run.value)
            bases += UInt64(run.end - run.start)
            minimum = min(minimum, value)
            maximum = max(maximum, value)
            sum += value * width
            squares += value * value * width
        }

        func bytes() -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.appendLittleEndian(bases)
            for value in bases == 0 ? [0, 0, sum, squares] : [minimum, maximum, sum, squares] {
                bytes.appendLittleEndian(value.bitPattern)
            }
            return bytes
        }
    }
}
