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
    private var compressor = BlockCompressor()
    private var entries: [BlockEntry] = []
    private var zoom: [ZoomLevel] = []
    private var summary = Summary()
    private let dataOffset: Int
    private var blockContig: UInt32 = 0
    private var starts: [UInt32] = []
    private var ends: [UInt32] = []
    private var values: [Float] = []
    private var words: [UInt32] = []
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
        starts.reserveCapacity(BigWigFormat.itemsPerBlock)
        ends.reserveCapacity(BigWigFormat.itemsPerBlock)
        values.reserveCapacity(BigWigFormat.itemsPerBlock)
    }

    public func write(_ run: TrackRun) throws {
        let contig = UInt32(run.contig)
        if !starts.isEmpty, contig != blockContig || starts.count == BigWigFormat.itemsPerBlock { try flushBlock() }
        blockContig = contig
        starts.append(UInt32(run.start))
        ends.append(UInt32(run.end))
        values.append(run.value)
        summary.add(run)
    }

    public func finish() throws {
        precondition(!finished, "finish twice")
        finished = true
        try flushBlock()
        for (k, level) in zoom.enumerated() {
            if let closed = try level.close(compressor: &compressor), k + 1 < zoom.count { try add(closed, toZoomLevel: k + 1) }
            try level.flush(compressor: &compressor)
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

    /// Compresses the pending runs as one data block and sums them into the zoom levels.
    private func flushBlock() throws {
        guard !starts.isEmpty else { return }
        if zoom.isEmpty { try makeZoomLevels() }
        words.removeAll(keepingCapacity: true)
        let sectionType = UInt32(BigWigFormat.bedGraphSection) | UInt32(starts.count) << 16
        for word in [blockContig, starts[0], ends[ends.count - 1], 0, 0, sectionType] { words.append(word.littleEndian) }
        for i in starts.indices {
            words.append(starts[i].littleEndian)
            words.append(ends[i].littleEndian)
            words.append(values[i].bitPattern.littleEndian)
        }
        let offset = UInt64(file.offset)
        let size = try compressor.write(words, to: file)
        entries.append(BlockEntry(contig: blockContig, start: starts[0], end: ends[ends.count - 1], offset: offset, size: size))

        let first = zoom[0].reduction
        for i in starts.indices {
            var start = starts[i]
            while start < ends[i] {
                let end = min(ends[i], (start / first + 1) * first)
                try add(ZoomLevel.Summary(contig: blockContig, start: start, end: end, value: values[i]), toZoomLevel: 0)
                start = end
            }
        }
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }

    /// Adds a piece lying in one bin of level `k`; a bin it closes goes on to the next level.
    private func add(_ piece: ZoomLevel.Summary, toZoomLevel k: Int) throws {
        if let closed = try zoom[k].add(piece, compressor: &compressor), k + 1 < zoom.count {
            try add(closed, toZoomLevel: k + 1)
        }
    }

    private func makeZoomLevels() throws {
        let longest = UInt64(max(1, contigs.contigs.map(\.length).max() ?? 1))
        let bases = zip(starts, ends).reduce(UInt64(0)) { $0 + UInt64($1.1 - $1.0) }
        var reduction = min(longest, 16 * max(1, bases / UInt64(starts.count)))
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
