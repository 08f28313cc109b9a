import Encoding
import GenomeIO
import Tracks

/// The opened sequence input of a command: windows over a genome, or one window per aligned read.
/// It yields batches of windows with their bases back to back, in input order.
final class SequenceInput {
    enum Source {
        case genome(FastaFile, WindowStream)
        case reads(AlignmentFile, [GenomicRegion], ReadFilter)
        case records(FastaRecords, first: FastaRecords.Record)
    }

    let source: Source
    let path: String
    let windowLength: Int
    let contigs: ContigTable
    /// For read input, during a `forEachBatch` call: where each window's columns land on the reference, clipped to
    /// the region the read was found in (so a read overlapping two regions counts once in each).
    private(set) var batchPlacements: [ReadPlacement] = []
    /// Whether windows arrive in genome order (contig index, then non-decreasing start), as streamed tracks need.
    /// Read windows are clipped to their region, so sorted, non-overlapping regions suffice.
    private(set) var inGenomeOrder = false

    /// Opens the input and checks every region against the index before any output is created.
    init(_ options: InputOptions, defaultWindow: Int?, shard: WindowShard? = nil) throws {
        if shard != nil && options.fasta == nil { throw UsageError("--shard needs --fasta input (genome windows)") }
        if let recordsPath = options.sequences {
            let records = try FastaRecords(path: recordsPath)
            guard let first = try records.next() else { throw DataError("sequences FASTA '\(recordsPath)' holds no records") }
            source = .records(records, first: first)
            path = recordsPath
            contigs = ContigTable([])
            windowLength = options.window ?? defaultWindow ?? first.bases.count
            return
        }
        guard let windowLength = options.window ?? defaultWindow else {
            throw UsageError("give the window length with --window")
        }
        self.windowLength = windowLength
        if let fastaPath = options.fasta {
            let fasta = try FastaFile(path: fastaPath)
            let regions = try Self.regions(options, contigs: fasta.contigs)
            let plan = try WindowPlan(length: windowLength, step: options.step ?? windowLength, edges: options.edges)
            var stream = WindowStream(fasta: fasta, regions: regions, plan: plan)
            if let shard { stream.only = shard.range(total: stream.allWindowCount) }
            source = .genome(fasta, stream)
            path = fastaPath
            contigs = fasta.contigs
            inGenomeOrder = Self.ordered(regions, contigs: contigs) { region, previous in
                region.start >= previous.start + max(0, plan.count(over: previous) - 1) * plan.step
            }
        } else if let bamPath = options.bam {
            let file = try AlignmentFile(path: bamPath, reference: options.reference)
            let regions = try Self.regions(options, contigs: file.contigs)
            source = .reads(file, regions, options.readFilter)
            path = bamPath
            contigs = file.contigs
            inGenomeOrder = Self.ordered(regions, contigs: contigs) { region, previous in region.start >= previous.end }
        } else {
            throw UsageError("give the sequence input with --fasta, --bam or --sequences")
        }
    }

    /// Whether windows have genome coordinates (FASTA or BAM input, not `--sequences` records).
    var hasGenomeCoordinates: Bool {
        if case .records = source { return false }
        return true
    }

    /// Windows in total, when known before reading (genome windows); nil for reads.
    var knownWindowCount: Int? {
        if case .genome(_, let stream) = source { return stream.windowCount }
        return nil
    }

    /// The run-wide index of this job's first window (a shard's offset among all windows; 0 otherwise), so that
    /// per-window seeds and given per-window references do not depend on sharding.
    var firstWindowIndex: Int {
        if case .genome(_, let stream) = source { return stream.only?.lowerBound ?? 0 }
        return 0
    }

    /// Windows of the whole run, shards included, when known before reading.
    var runWindowCount: Int? {
        if case .genome(_, let stream) = source { return stream.allWindowCount }
        return nil
    }

    /// Calls `body(windows, bases)` for consecutive batches; `bases` holds `windows.count × windowLength` bytes.
    func forEachBatch(size: Int, _ body: ([Window], [UInt8]) throws -> Void) throws {
        switch source {
        case .genome(_, let stream):
            try stream.forEachBatch(batchSize: size) { try body($0.windows, $0.bases) }
        case .reads(let file, let regions, let filter):
            var windows: [Window] = []
            var bases: [UInt8] = []
            for region in regions {
                try file.forEachRead(in: region, filter: filter) { read in
                    windows.append(read.window)
                    read.appendCentred(length: windowLength, to: &bases)
                    batchPlacements.append(read.placement(length: windowLength, within: region))
                    if windows.count == size {
                        try body(windows, bases)
                        windows.removeAll(keepingCapacity: true)
                        bases.removeAll(keepingCapacity: true)
                        batchPlacements.removeAll(keepingCapacity: true)
                    }
                }
            }
            if !windows.isEmpty { try body(windows, bases) }
            batchPlacements.removeAll()
        case .records(let records, let first):
            var windows: [Window] = []
            var bases: [UInt8] = []
            var record: FastaRecords.Record? = first
            while let current = record {
                guard current.bases.count == windowLength else {
                    throw DataError("\(path):\(current.line): record '\(current.name)' has \(current.bases.count) bases; every record must have the window length, \(windowLength)")
                }
                windows.append(Window(contig: current.name, start: 0, end: windowLength, name: current.name))
                bases.append(contentsOf: current.bases)
                if windows.count == size {
                    try body(windows, bases)
                    windows.removeAll(keepingCapacity: true)
                    bases.removeAll(keepingCapacity: true)
                }
                record = try records.next()
            }
            if !windows.isEmpty { try body(windows, bases) }
        }
    }

    /// Whether regions come in contig index order and, on one contig, each follows the previous as `follows` says.
    private static func ordered(_ regions: [GenomicRegion], contigs: ContigTable,
                                follows: (GenomicRegion, GenomicRegion) -> Bool) -> Bool {
        zip(regions.dropFirst(), regions).allSatisfy { region, previous in
            let (a, b) = (contigs.index(of: previous.contig)!, contigs.index(of: region.contig)!)
            return a < b || (a == b && follows(region, previous))
        }
    }

    /// `--region` strings first, then `--regions` lines; all contigs when neither is given.
    private static func regions(_ options: InputOptions, contigs: ContigTable) throws -> [GenomicRegion] {
        var entries: [(GenomicRegion, String)] = []
        for text in options.regionTexts {
            entries.append((try RegionSyntax.parse(text, contigs: contigs), "region '\(text)'"))
        }
        if let file = options.regionsFile {
            entries += try RegionFile.read(path: file).map { ($0.region, $0.origin) }
        }
        if options.regionTexts.isEmpty && options.regionsFile == nil {
            return contigs.contigs.map { GenomicRegion(contig: $0.name, start: 0, end: $0.length) }
        }
        if entries.isEmpty, let file = options.regionsFile {
            throw DataError("regions file '\(file)' holds no regions")
        }
        return try entries.map { region, origin in
            let (checked, adjustment) = try region.validated(against: contigs, origin: origin)
            if case .clippedToContigEnd(let original, let length)? = adjustment {
                Console.warn("\(origin): \(original) runs past the end of \(original.contig) (length \(length)); clipped to \(checked)")
            }
            return checked
        }
    }

    /// The contig length a window's coordinates are clipped to (its own end for `--sequences` records).
    private func contigLength(of window: Window) -> Int { contigs.length(of: window.contig) ?? window.end }

    /// The name of a window in per-window outputs: its own name, else `chrom:start-end(strand)`.
    func name(of window: Window) -> String {
        window.name ?? window.identifier(contigLength: contigLength(of: window))
    }

    /// The window's `windows.bed` row.
    func bedLine(for window: Window, nameSuffix: String? = nil) -> String {
        WindowsBED.line(for: window, contigLength: contigLength(of: window), nameSuffix: nameSuffix)
    }

    /// The error for an invalid sequence character at offset `offset` of a batch's bases.
    func invalidCharacter(at offset: Int, windows: [Window], bases: [UInt8]) -> DataError {
        let window = windows[offset / windowLength]
        let byte = bases[offset]
        let shown = byte >= 0x21 && byte < 0x7f ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        return DataError("'\(path)': invalid sequence character '\(shown)' in window \(name(of: window)) at offset \(offset % windowLength)")
    }
}
