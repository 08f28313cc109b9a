import Encoding
import Explain
import Foundation
import GenomeIO
import Model
import Motifs
import Tracks

/// What `plrp query` asks: one region's per-base relevance, seqlets and motif matches, explained on the spot or
/// looked up in an earlier run's output folder (`results`).
public struct QueryJob: Sendable {
    /// The region, samtools syntax (1-based inclusive).
    public var region: String
    public var fasta: String
    /// The model file (explaining on the spot only).
    public var model: String
    /// A MEME motif database each seqlet core is compared with (on the spot), or nil for no matching.
    public var database: String?
    /// Whether an unreadable `database` means no matching rather than an error (for a default database).
    public var databaseIsOptional = false
    /// Distance between window starts.
    public var step = 150
    public var method = MethodConfiguration.plrp(0.5)
    public var threads = everyCore
    public var batchSize = 256
    /// An earlier run's output folder to answer from instead of explaining.
    public var results: String?

    public init(region: String, fasta: String, model: String) {
        self.region = region
        self.fasta = fasta
        self.model = model
    }
}

/// A seqlet as a query reports it, in genome coordinates (0-based half-open), with its motif match or "".
public struct QuerySeqlet: Sendable, Equatable {
    public let start: Int
    public let end: Int
    public let coreStart: Int
    public let coreEnd: Int
    /// pos/neg on the spot; from results, the motif id of a motif instance (pos/neg for other seqlets).
    public let name: String
    /// `db_id db_name`, or "".
    public let match: String

    public init(start: Int, end: Int, coreStart: Int, coreEnd: Int, name: String, match: String) {
        (self.start, self.end, self.coreStart, self.coreEnd, self.name, self.match) = (start, end, coreStart, coreEnd, name, match)
    }
}

/// What a query found.
public struct QueryAnswer: Sendable {
    public let region: GenomicRegion
    /// The region's bases as the genome has them.
    public let bases: [UInt8]
    /// Where the answer came from, for headers: the windows explained, or the results folder.
    public let source: String
    /// Per-base relevance over the region (0 where uncovered; empty when not kept).
    public var relevance: [Float]
    /// Stretches of the region, in genome coordinates, that no window covered (an earlier run that never
    /// explained them); sorted, not overlapping.
    public var uncovered: [Range<Int>]
    /// Seqlets whose core overlaps the region, in the order found.
    public var seqlets: [QuerySeqlet]

    public init(region: GenomicRegion, bases: [UInt8], source: String, relevance: [Float], uncovered: [Range<Int>] = [],
                seqlets: [QuerySeqlet] = []) {
        self.region = region
        self.bases = bases
        self.source = source
        self.relevance = relevance
        self.uncovered = uncovered
        self.seqlets = seqlets
    }
}

/// One region, fast. `RegionQuery(job)` opens the genome and checks the region; `answer(...)` explains the
/// windows around it in memory (nothing is written anywhere) or reads an earlier run's indexed files. Relevance
/// can be streamed as runs (`onRun`) while windows complete; seqlets need every window first.
///
/// On the spot, windows start every `step` bases in the run's phase and reach past both ends of the region by whole
/// steps, so every base is covered by as many windows as inside a longer run; the per-base relevance is their mean.
/// Seqlets are called on those windows (the caller's FDR null pools them all) and each core is compared on its own
/// with the database, as a one-hot matrix, best q < 0.05. From results, a seqlet's match is its motif's match in the
/// run (motif instances), since the run's motifs were clustered from all its seqlets.
public final class RegionQuery {
    public let job: QueryJob
    public let genome: FastaFile
    public let region: GenomicRegion
    public let bases: [UInt8]
    public let source: String
    /// Stretches of the region the results never covered (empty on the spot).
    public let uncovered: [Range<Int>]
    private let explainer: Explainer?
    private let database: [Motif]?

    public init(_ job: QueryJob, diagnostics: Diagnostics = .standardError) throws {
        self.job = job
        genome = try FastaFile(path: job.fasta)
        (region, _) = try Opening.region(job.region, contigs: genome.contigs)
            .validated(against: genome.contigs, origin: "region '\(job.region)'")
        var bases: [UInt8] = []
        try genome.fetch(contig: region.contig, start: region.start, end: region.end, into: &bases)
        self.bases = bases
        if let folder = job.results {
            let track = PathName.join(folder, "relevance.bedGraph.gz")
            guard FileManager.default.fileExists(atPath: track) else {
                throw PipelineError.data("'\(folder)' has no relevance.bedGraph.gz: give a plrp run output folder")
            }
            explainer = nil
            database = nil
            source = "results: \(folder)"
            uncovered = try Self.uncovered(region, windows: PathName.join(folder, "windows.bed"))
            if !uncovered.isEmpty {
                let count = uncovered.reduce(0) { $0 + $1.count }
                let shown = uncovered.prefix(3).map { GenomicRegion(contig: region.contig, start: $0.lowerBound, end: $0.upperBound).description }
                diagnostics.warn("'\(folder)' never covered \(count) of the \(region.length) bases of \(region) (\(shown.joined(separator: ", "))\(uncovered.count > 3 ? ", …" : "")): their relevance is NA in the table, null in JSON and absent from the bedGraph")
            }
            return
        }
        uncovered = []
        database = try Self.readDatabase(job)
        let network = try Opening.model(job.model)
        // Windows reach past both ends by whole steps, so every base of the region is covered by as many windows as
        // inside a longer run with the same window phase.
        let length = network.inputLength
        let reach = (max(0, length - job.step) + job.step - 1) / job.step * job.step
        let contigLength = genome.contigs.length(of: region.contig)!
        let explained = GenomicRegion(contig: region.contig, start: max(0, region.start - reach), end: min(contigLength, region.end + reach))
        var explain = ExplainJob(input: .genome(job.fasta, regions: [explained.description], step: job.step), model: job.model, method: job.method)
        explain.tracks = false
        explain.threads = job.threads
        explain.batchSize = job.batchSize
        let explainer = try Explainer(explain, network: network, diagnostics: diagnostics)
        self.explainer = explainer
        source = "explained: \(explainer.sequences.knownWindowCount ?? 0) windows of \(PathName.base(of: job.model)), \(job.method.label(plan: explainer.plan, attributor: explainer.attributor)) p=\(job.method.prune)"
    }

    /// The answer. `relevance`: keep the per-base relevance (table, JSON); `seqlets`: call and match seqlets;
    /// `onRun` hears the region's relevance as runs of equal non-zero value in genome order (bedGraph lines), as
    /// windows complete.
    public func answer(relevance keep: Bool = true, seqlets wanted: Bool = true,
                       onRun: ((_ start: Int, _ end: Int, _ value: Float) throws -> Void)? = nil) throws -> QueryAnswer {
        var relevance = keep ? [Float](repeating: 0, count: region.length) : []
        let region = self.region
        let runs = RunJoiner { start, end, value in
            if keep { for p in start..<end { relevance[p - region.start] = value } }
            try onRun?(start, end, value)
        }
        let seqlets: [QuerySeqlet]
        if let explainer {
            let sink = RegionSink(region: region, contigs: genome.contigs, length: explainer.network.inputLength,
                                  keepScores: wanted, runs: runs)
            _ = try explainer.run(into: sink)
            seqlets = wanted ? sink.seqlets(database: database, threads: job.threads) : []
        } else {
            try readTrack(into: runs)
            seqlets = wanted ? try storedSeqlets() : []
        }
        try runs.finish()
        return QueryAnswer(region: region, bases: bases, source: source, relevance: relevance, uncovered: uncovered, seqlets: seqlets)
    }

    private static func readDatabase(_ job: QueryJob) throws -> [Motif]? {
        guard let path = job.database else { return nil }
        if job.databaseIsOptional { return try? MEMEFile.read(path: path) }
        return try MEMEFile.read(path: path)
    }

    /// The results' bedGraph over the region, a megabase at a time so that memory stays bounded.
    private func readTrack(into runs: RunJoiner) throws {
        let track = PathName.join(job.results!, "relevance.bedGraph.gz")
        let chunk = 1 << 20
        for from in stride(from: region.start, to: region.end, by: chunk) {
            let to = min(region.end, from + chunk)
            for line in try BedGraphReader.query(track, region: GenomicRegion(contig: region.contig, start: from, end: to).description) {
                try runs.add(max(line.start, from), min(line.end, to), line.value)
            }
        }
    }

    /// Seqlets and motif instances of the results overlapping the region, each instance with its motif's best match.
    private func storedSeqlets() throws -> [QuerySeqlet] {
        let folder = job.results!
        var best: [String: String] = [:]
        if let text = try? String(contentsOfFile: PathName.join(folder, "matches.tsv"), encoding: .utf8) {
            for line in text.split(separator: "\n").dropFirst() {
                let f = line.split(separator: "\t")
                if f.count >= 3, best[String(f[0])] == nil { best[String(f[0])] = "\(f[1]) \(f[2])" }
            }
        }
        var seqlets: [QuerySeqlet] = []
        var listed = Set<[Int]>()  // start and end of every seqlet listed so far
        for (file, isInstance) in [("instances.bed", true), ("seqlets.bed", false)] {
            guard let text = try? String(contentsOfFile: PathName.join(folder, file), encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let f = line.split(separator: "\t")
                guard f.count >= 8, f[0] == region.contig, let s = Int(f[1]), let e = Int(f[2]), let t0 = Int(f[6]), let t1 = Int(f[7]),
                      s < region.end, e > region.start else { continue }
                let name = String(f[3])
                if isInstance {
                    seqlets.append(QuerySeqlet(start: s, end: e, coreStart: t0, coreEnd: t1, name: name, match: best[name] ?? ""))
                    listed.insert([s, e])
                } else if listed.insert([s, e]).inserted {
                    seqlets.append(QuerySeqlet(start: s, end: e, coreStart: t0, coreEnd: t1, name: String(name.prefix { $0 != "|" }), match: ""))
                }
            }
        }
        seqlets.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        return seqlets
    }

    /// The parts of `region` no row of `windows` (a windows.bed) covers; none when there is no such file.
    static func uncovered(_ region: GenomicRegion, windows path: String) throws -> [Range<Int>] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let covering = try WindowsBED.read(path: path)
            .filter { $0.contig == region.contig && $0.start < region.end && $0.end > region.start }
            .map { max($0.start, region.start)..<min($0.end, region.end) }
            .sorted { $0.lowerBound < $1.lowerBound }
        var gaps: [Range<Int>] = []
        var reached = region.start
        for range in covering {
            if range.lowerBound > reached { gaps.append(reached..<range.lowerBound) }
            reached = max(reached, range.upperBound)
        }
        if reached < region.end { gaps.append(reached..<region.end) }
        return gaps
    }
}

/// Joins clipped runs that touch and share a value (a run cut at a chunk boundary) and passes the rest on in order.
final class RunJoiner {
    private let body: (Int, Int, Float) throws -> Void
    private var pending: (start: Int, end: Int, value: Float)?

    init(_ body: @escaping (Int, Int, Float) throws -> Void) { self.body = body }

    func add(_ start: Int, _ end: Int, _ value: Float) throws {
        guard start < end, value != 0 else { return }
        if let run = pending, run.end == start, run.value == value {
            pending = (run.start, end, value)
            return
        }
        if let run = pending { try body(run.start, run.end, run.value) }
        pending = (start, end, value)
    }

    func finish() throws {
        if let run = pending { try body(run.start, run.end, run.value) }
        pending = nil
    }
}

/// Receives a query's explained windows: their mean per base over the region, as runs, and — for seqlets — each
/// window's per-base scores and bases, not its arrays.
final class RegionSink: ExplanationSink {
    private let region: GenomicRegion
    private let length: Int
    private let keepScores: Bool
    private let runs: RunJoiner
    private let aggregator: TrackAggregator
    private var scores: [[Float]] = []
    /// Per window, `length` base codes (0–3 for A, C, G, T; 4 where the one-hot column is not a single base).
    private var codes: [UInt8] = []
    private var starts: [Int] = []

    init(region: GenomicRegion, contigs: ContigTable, length: Int, keepScores: Bool, runs: RunJoiner) {
        self.region = region
        self.length = length
        self.keepScores = keepScores
        self.runs = runs
        aggregator = TrackAggregator(contigs: contigs, mode: .mean, output: RunMerger([ClippedRuns(region: region, runs: runs)]))
    }

    func write(_ batch: ExplainedBatch) throws {
        let row = 4 * length
        let values = batch.results[0].attribution.relevance.values
        let oneHot = batch.oneHot.values
        for (w, window) in batch.windows.enumerated() {
            let sums = BaseSums.of(values[(w * row)..<((w + 1) * row)], length: length)
            try aggregator.add(contig: window.contig, start: window.start, end: window.start + length, values: sums[...])
            guard keepScores else { continue }
            scores.append(sums)
            starts.append(window.start)
            for i in 0..<length {
                var code: UInt8 = 4
                for c in 0..<4 where oneHot[w * row + c * length + i] == 1 { code = UInt8(c); break }
                codes.append(code)
            }
        }
    }

    func finish() throws { try aggregator.finish() }

    /// Seqlets on the windows whose core overlaps the region, each core compared with `database` (on up to
    /// `threads` threads; the matches do not depend on them).
    func seqlets(database: [Motif]?, threads: Int) -> [QuerySeqlet] {
        let called = SeqletCaller().call(scores: scores, length: length).seqlets.filter { seqlet in
            let start = starts[seqlet.row]
            return start + seqlet.coreStart < region.end && start + seqlet.coreEnd > region.start
        }
        var matches = [String](repeating: "", count: called.count)
        if let database {
            let comparison = MotifComparison(database: database)
            let codes = self.codes, length = self.length
            func match(_ seqlet: Seqlet) -> String {
                let first = seqlet.row * length
                let columns = (seqlet.coreStart..<seqlet.coreEnd).map { i -> [Double] in
                    let b = Int(codes[first + i])
                    return (0..<4).map { $0 == b ? 0.85 : 0.05 }
                }
                guard let best = comparison.compare(Motif(id: "seqlet", columns: columns)).min(by: { $0.pValue < $1.pValue }),
                      best.qValue < 0.05 else { return "" }
                return "\(database[best.target].id) \(database[best.target].name)"
            }
            matches = Compute(threads: threads).mapChunks(of: called.count, chunk: 64) { range in range.map { match(called[$0]) } }
                .flatMap { $0 }
        }
        return zip(called, matches).map { seqlet, match in
            let start = starts[seqlet.row]
            return QuerySeqlet(start: start + seqlet.start, end: start + seqlet.end, coreStart: start + seqlet.coreStart,
                               coreEnd: start + seqlet.coreEnd, name: seqlet.sign.rawValue, match: match)
        }
    }
}

/// A track's runs clipped to a region, passed on.
final class ClippedRuns: TrackSink {
    private let region: GenomicRegion
    private let runs: RunJoiner

    init(region: GenomicRegion, runs: RunJoiner) {
        self.region = region
        self.runs = runs
    }

    func write(_ run: TrackRun) throws {
        try runs.add(max(run.start, region.start), min(run.end, region.end), run.value)
    }

    func finish() throws {}
}
