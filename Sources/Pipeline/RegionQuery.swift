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
    /// Windows per block on the spot: seqlets are called block by block (the FDR null pools a block's windows),
    /// and a block's span is all the query holds in memory.
    public var seqletBlock = 4096
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
    /// Per-base relevance over the region (0 where uncovered).
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

/// One region, fast, in memory bounded by a block of windows. `RegionQuery(job)` opens the genome and checks the
/// region; `stream(to:)` explains the windows around it (nothing is written anywhere) or reads an earlier run's
/// indexed files, and passes the answer on in genome order; `answer()` collects it.
///
/// On the spot, windows start every `step` bases in the run's phase and reach past both ends of the region by whole
/// steps, so every base is covered by as many windows as inside a longer run; the per-base relevance is their mean.
/// Seqlets are called on those windows, `seqletBlock` consecutive windows at a time (the caller's FDR null pools a
/// block; a region of up to 4,096 windows, about 600 kb at step 150, is one block), and each core is compared on its
/// own with the database, as a one-hot matrix, best q < 0.05. From results, a seqlet's match is its motif's match in
/// the run (motif instances), since the run's motifs were clustered from all its seqlets.
public final class RegionQuery {
    public let job: QueryJob
    public let genome: FastaFile
    public let region: GenomicRegion
    public let source: String
    /// Stretches of the region the results never covered (empty on the spot).
    public let uncovered: [Range<Int>]
    private let explainer: Explainer?
    private let matcher: CoreMatcher?

    public init(_ job: QueryJob, diagnostics: Diagnostics = .standardError) throws {
        self.job = job
        genome = try FastaFile(path: job.fasta)
        (region, _) = try Opening.region(job.region, contigs: genome.contigs)
            .validated(against: genome.contigs, origin: "region '\(job.region)'")
        if let folder = job.results {
            let track = PathName.join(folder, "relevance.bedGraph.gz")
            guard FileManager.default.fileExists(atPath: track) else {
                throw PipelineError.data("'\(folder)' has no relevance.bedGraph.gz: give a plrp run output folder")
            }
            explainer = nil
            matcher = nil
            source = "results: \(folder)"
            uncovered = try Self.uncovered(region, windows: PathName.join(folder, "windows.bed"))
            if !uncovered.isEmpty {
                let count = uncovered.reduce(0) { $0 + $1.count }
                let shown = uncovered.prefix(3).map { GenomicRegion(contig: region.contig, start: $0.lowerBound, end: $0.upperBound).description }
                diagnostics.warn("'\(folder)' never covered \(count) of the \(region.length) bases of \(region) (\(shown.joined(separator: ", "))\(uncovered.count > 3 ? ", …" : "")): their relevance is NA in the table, null in JSON and absent from the bedGraph")
            }
            return
        }
        guard job.seqletBlock >= 1 else { throw PipelineError.usage("the seqlet block must hold at least one window") }
        uncovered = []
        matcher = try Self.readDatabase(job).map { CoreMatcher(database: $0) }
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

    /// Passes the answer to `receiver` in genome order; `seqlets`: call (or look up) and match seqlets.
    public func stream(to receiver: QueryReceiver, seqlets wanted: Bool = true) throws {
        try receiver.begin(region: region, source: source, uncovered: uncovered)
        if let explainer {
            let sink = RegionSink(region: region, genome: genome, length: explainer.network.inputLength, receiver: receiver,
                                  seqlets: wanted ? SeqletMatching(matcher: matcher, threads: job.threads, block: job.seqletBlock) : nil)
            _ = try explainer.run(into: sink)
        } else {
            if wanted { try receiver.seqlets(try storedSeqlets()) }
            try readTrack(into: receiver)
        }
        try receiver.finish()
    }

    /// The whole answer in memory.
    public func answer(seqlets wanted: Bool = true) throws -> QueryAnswer {
        let collector = QueryCollector()
        try stream(to: collector, seqlets: wanted)
        return collector.answer!
    }

    private static func readDatabase(_ job: QueryJob) throws -> [Motif]? {
        guard let path = job.database else { return nil }
        if job.databaseIsOptional { return try? MEMEFile.read(path: path) }
        return try MEMEFile.read(path: path)
    }

    /// The results' bedGraph over the region, a megabase at a time so that memory stays bounded.
    private func readTrack(into receiver: QueryReceiver) throws {
        let track = try TrackValues(path: PathName.join(job.results!, "relevance.bedGraph.gz"))
        let chunk = 1 << 20
        var letters: [UInt8] = [], relevance: [Float] = []
        for from in stride(from: region.start, to: region.end, by: chunk) {
            let to = min(region.end, from + chunk)
            try track.read(contig: region.contig, start: from, end: to, into: &relevance)
            try genome.fetch(contig: region.contig, start: from, end: to, into: &letters)
            try receiver.bases(from: from, letters: letters[...], relevance: relevance[...])
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
