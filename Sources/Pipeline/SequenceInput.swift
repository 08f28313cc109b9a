import Encoding
import Foundation
import GenomeIO
import Motifs
import Tracks

/// Where a job's sequence comes from and how it is cut into windows, before anything is opened: windows over regions
/// of a genome, one window per aligned read, or ready windows from a FASTA of records.
public struct InputDescription: Sendable {
    public enum Source: Sendable, Equatable {
        /// A reference genome, FASTA (plain or BGZF).
        case fasta(String)
        /// Aligned reads, BAM or CRAM, with the reference CRAM needs.
        case bam(String, reference: String?)
        /// One window per record; names are kept.
        case sequences(String)
    }

    public var source: Source
    /// Regions in samtools syntax (1-based inclusive); with `regionsFile` empty too, every contig.
    public var regions: [String] = []
    /// A BED or narrowPeak file of regions (0-based half-open).
    public var regionsFile: String?
    /// Window length; nil: the model's input length (the record length for `sequences`).
    public var window: Int?
    /// Distance between window starts; nil: the window length.
    public var step: Int?
    public var edges: EdgePolicy = .pad
    public var iupac: IUPACPolicy = .zero
    /// Read filters, as given (flags in decimal or 0x hex), for BAM input.
    public var minMappingQuality = 10
    public var excludeFlags = "0xF04"
    public var requireFlags = "0"

    public init(_ source: Source) { self.source = source }

    /// Windows over `regions` of the genome at `fasta`.
    public static func genome(_ fasta: String, regions: [String] = [], step: Int? = nil) -> InputDescription {
        var description = InputDescription(.fasta(fasta))
        description.regions = regions
        description.step = step
        return description
    }

    public var fasta: String? { if case .fasta(let path) = source { return path } else { return nil } }
    /// The FASTA's absolute path, as manifests record it: a merge started in another folder finds the genome there.
    public var absoluteFasta: String? { fasta.map { URL(fileURLWithPath: $0).standardizedFileURL.path } }
    public var bam: String? { if case .bam(let path, _) = source { return path } else { return nil } }
    public var records: String? { if case .sequences(let path) = source { return path } else { return nil } }

    /// The parameters every manifest records, for windows of `window` bases.
    public func manifestParameters(window: Int) -> [String: Any] {
        ["window": window, "step": step ?? window, "edges": edges.rawValue, "iupac": iupac.rawValue,
         "regions": regions, "regions_file": regionsFile ?? NSNull(), "channel_order": "ACGT",
         "min_mapq": minMappingQuality, "exclude_flags": excludeFlags, "require_flags": requireFlags]
    }

    /// The files read, for the manifest's checksums.
    public var inputFiles: [String] {
        switch source {
        case .fasta(let path): return [path] + (regionsFile.map { [$0] } ?? [])
        case .bam(let path, let reference): return [path] + (reference.map { [$0] } ?? []) + (regionsFile.map { [$0] } ?? [])
        case .sequences(let path): return [path] + (regionsFile.map { [$0] } ?? [])
        }
    }

    public var readFilter: ReadFilter {
        ReadFilter(minMappingQuality: minMappingQuality,
                   excludedFlags: (try? Self.flags(excludeFlags, option: "")) ?? ReadFilter.defaultExcludedFlags,
                   requiredFlags: (try? Self.flags(requireFlags, option: "")) ?? 0)
    }

    /// A SAM flag value in decimal or 0x hex; the usage error names `option`.
    public static func flags(_ text: String, option: String) throws -> UInt16 {
        let lower = text.lowercased()
        let value = lower.hasPrefix("0x") ? UInt16(lower.dropFirst(2), radix: 16) : UInt16(lower)
        guard let value else { throw PipelineError.usage("\(option) must be a flag value such as 3844 or 0xF04, got '\(text)'") }
        return value
    }
}

/// The opened sequence input of a job: windows over a genome, or one window per aligned read, or records.
/// It yields batches of windows with their bases back to back, in input order.
public final class SequenceInput {
    public enum Source {
        case genome(FastaFile, WindowStream)
        case reads(AlignmentFile, [GenomicRegion], ReadFilter)
        case records(FastaRecords, first: FastaRecords.Record)
    }

    public let source: Source
    public let path: String
    public let windowLength: Int
    public let contigs: ContigTable
    /// For read input, during a `forEachBatch` call: where each window's columns land on the reference, clipped to
    /// the region the read was found in (so a read overlapping two regions counts once in each).
    public private(set) var batchPlacements: [ReadPlacement] = []
    /// Whether windows arrive in genome order (contig index, then non-decreasing start), as streamed tracks need.
    /// Read windows are clipped to their region, so sorted, non-overlapping regions suffice.
    public private(set) var inGenomeOrder = false

    /// Opens the input and checks every region against the index before any output is created. Regions running
    /// past a contig end are clipped, with a warning.
    public init(_ description: InputDescription, defaultWindow: Int?, shard: WindowShard? = nil,
                diagnostics: Diagnostics = .standardError) throws {
        if shard != nil && description.fasta == nil { throw PipelineError.usage("--shard needs --fasta input (genome windows)") }
        switch description.source {
        case .sequences(let recordsPath):
            let records = try FastaRecords(path: recordsPath)
            guard let first = try records.next() else { throw PipelineError.data("sequences FASTA '\(recordsPath)' holds no records") }
            source = .records(records, first: first)
            path = recordsPath
            contigs = ContigTable([])
            windowLength = description.window ?? defaultWindow ?? first.bases.count
        case .fasta(let fastaPath):
            guard let windowLength = description.window ?? defaultWindow else {
                throw PipelineError.usage("give the window length with --window")
            }
            self.windowLength = windowLength
            let fasta = try FastaFile(path: fastaPath)
            let regions = try Self.regions(description, contigs: fasta.contigs, diagnostics: diagnostics)
            let plan = try WindowPlan(length: windowLength, step: description.step ?? windowLength, edges: description.edges)
            var stream = WindowStream(fasta: fasta, regions: regions, plan: plan)
            if let shard { stream.only = shard.range(total: stream.allWindowCount) }
            source = .genome(fasta, stream)
            path = fastaPath
            contigs = fasta.contigs
            inGenomeOrder = Self.ordered(regions, contigs: contigs) { region, previous in
                region.start >= previous.start + max(0, plan.count(over: previous) - 1) * plan.step
            }
        case .bam(let bamPath, let reference):
            guard let windowLength = description.window ?? defaultWindow else {
                throw PipelineError.usage("give the window length with --window")
            }
            self.windowLength = windowLength
            let file = try AlignmentFile(path: bamPath, reference: reference)
            let regions = try Self.regions(description, contigs: file.contigs, diagnostics: diagnostics)
            source = .reads(file, regions, description.readFilter)
            path = bamPath
            contigs = file.contigs
            inGenomeOrder = Self.ordered(regions, contigs: contigs) { region, previous in region.start >= previous.end }
        }
    }

    /// Whether windows have genome coordinates (FASTA or BAM input, not `--sequences` records).
    public var hasGenomeCoordinates: Bool {
        if case .records = source { return false }
        return true
    }

    /// Whether windows are genome windows (FASTA input).
    public var isGenomeWindows: Bool {
        if case .genome = source { return true }
        return false
    }

    /// Windows in total, when known before reading (genome windows); nil for reads.
    public var knownWindowCount: Int? {
        if case .genome(_, let stream) = source { return stream.windowCount }
        return nil
    }

    /// The run-wide index of this job's first window (a shard's offset among all windows; 0 otherwise), so that
    /// per-window seeds and given per-window references do not depend on sharding.
    public var firstWindowIndex: Int {
        if case .genome(_, let stream) = source { return stream.only?.lowerBound ?? 0 }
        return 0
    }

    /// Windows of the whole run, shards included, when known before reading.
    public var runWindowCount: Int? {
        if case .genome(_, let stream) = source { return stream.allWindowCount }
        return nil
    }

    /// Calls `body(windows, bases)` for consecutive batches; `bases` holds `windows.count × windowLength` bytes.
    public func forEachBatch(size: Int, _ body: ([Window], [UInt8]) throws -> Void) throws {
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
                    throw PipelineError.data("\(path):\(current.line): record '\(current.name)' has \(current.bases.count) bases; every record must have the window length, \(windowLength)")
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

    /// Calls `body(windows, oneHot)` for consecutive batches encoded by `encoder` (`[N, 4, L]`); an invalid
    /// character is a data error naming the window and offset.
    public func forEachEncodedBatch(size: Int, encoder: OneHotEncoder, _ body: ([Window], [Float]) throws -> Void) throws {
        var values: [Float] = []
        try forEachBatch(size: size) { windows, bases in
            values.removeAll(keepingCapacity: true)
            if let bad = encoder.encode(bases, count: windows.count, length: windowLength, appendingTo: &values) {
                throw invalidCharacter(at: bad, windows: windows, bases: bases)
            }
            try body(windows, values)
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

    /// `regions` first, then the regions file's lines; all contigs when neither is given.
    private static func regions(_ description: InputDescription, contigs: ContigTable,
                                diagnostics: Diagnostics) throws -> [GenomicRegion] {
        var entries: [(GenomicRegion, String)] = []
        for text in description.regions {
            entries.append((try Opening.region(text, contigs: contigs), "region '\(text)'"))
        }
        if let file = description.regionsFile {
            entries += try RegionFile.read(path: file).map { ($0.region, $0.origin) }
        }
        if description.regions.isEmpty && description.regionsFile == nil {
            return contigs.contigs.map { GenomicRegion(contig: $0.name, start: 0, end: $0.length) }
        }
        if entries.isEmpty, let file = description.regionsFile {
            throw PipelineError.data("regions file '\(file)' holds no regions")
        }
        return try entries.map { region, origin in
            let (checked, adjustment) = try region.validated(against: contigs, origin: origin)
            if case .clippedToContigEnd(let original, let length)? = adjustment {
                diagnostics.warn("\(origin): \(original) runs past the end of \(original.contig) (length \(length)); clipped to \(checked)")
            }
            return checked
        }
    }

    /// The contig length a window's coordinates are clipped to (its own end for `--sequences` records).
    public func contigLength(of window: Window) -> Int { contigs.length(of: window.contig) ?? window.end }

    /// The name of a window in per-window outputs: its own name, else `chrom:start-end(strand)`.
    public func name(of window: Window) -> String {
        window.name ?? window.identifier(contigLength: contigLength(of: window))
    }

    /// The window's `windows.bed` row.
    public func bedLine(for window: Window, nameSuffix: String? = nil) -> String {
        WindowsBED.line(for: window, contigLength: contigLength(of: window), nameSuffix: nameSuffix)
    }

    /// The window's place as `windows.bed` records it (end clipped to the contig, name suffixed with `|suffix`).
    public func place(of window: Window, nameSuffix: String? = nil) -> Window {
        Window(contig: window.contig, start: window.start, end: window.clippedEnd(contigLength: contigLength(of: window)),
               strand: window.strand, name: name(of: window) + (nameSuffix.map { "|\($0)" } ?? ""))
    }

    /// The error for an invalid sequence character at offset `offset` of a batch's bases.
    public func invalidCharacter(at offset: Int, windows: [Window], bases: [UInt8]) -> PipelineError {
        let window = windows[offset / windowLength]
        let byte = bases[offset]
        let shown = byte >= 0x21 && byte < 0x7f ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        return PipelineError.data("'\(path)': invalid sequence character '\(shown)' in window \(name(of: window)) at offset \(offset % windowLength)")
    }
}
