import Foundation
import GenomeIO
import Motifs
import Tracks

/// Where an explain run's arrays and windows are (files may be staged under temporary names).
public struct ExplainArrays: Sendable {
    public var oneHot: String
    public var relevance: String
    public var windows: String

    /// The files of a finished explain output folder.
    public init(folder: String) {
        oneHot = PathName.join(folder, "ohe.npz")
        relevance = PathName.join(folder, "attr.npz")
        windows = PathName.join(folder, "windows.bed")
    }

    /// The arrays an explain job has staged in `folder` and not yet committed.
    public init(staged folder: OutputDirectory) {
        oneHot = folder.staged("ohe.npz")!
        relevance = folder.staged("attr.npz")!
        windows = folder.staged("windows.bed")!
    }

    /// The arrays and windows, checked against each other.
    public func load() throws -> ExplainedWindows {
        let rows = try WindowsBED.read(path: windows)
        guard !rows.isEmpty else { throw PipelineError.data("'\(windows)' holds no windows") }
        let oneHotArray = try NPZReader.read(path: oneHot)
        let relevanceArray = try NPZReader.read(path: relevance)
        guard oneHotArray.shape.count == 3, oneHotArray.shape[1] == 4, relevanceArray.shape == oneHotArray.shape else {
            throw PipelineError.data("'\(oneHot)' \(oneHotArray.shape) and '\(relevance)' \(relevanceArray.shape) are not both [N, 4, L]")
        }
        guard oneHotArray.shape[0] == rows.count else {
            throw PipelineError.data("'\(windows)' has \(rows.count) rows but the arrays \(oneHotArray.shape[0])")
        }
        return try ExplainedWindows(length: oneHotArray.shape[2], oneHot: oneHotArray.values, relevance: relevanceArray.values,
                                    places: rows.map { .init(contig: $0.contig, start: $0.start, end: $0.end, name: $0.name, strand: $0.strand) })
    }
}

/// Motif discovery as `plrp motifs` does it: seqlets on per-base relevance, clustered into motifs, compared with a
/// database. `find(in:)` works in memory; `run(from:into:)` reads an explain folder's arrays and writes the files.
public struct MotifsJob: Sendable {
    /// A motif database in MEME format; no matching without it.
    public var database: String?
    /// Seqlet core width (bases summed by the caller's sliding window).
    public var seqletWindow = 12
    /// Bases added on each side of a seqlet core.
    public var flank = 6
    /// False-discovery rate of the seqlet caller.
    public var fdr = 0.001
    /// Cosine similarity for a seqlet to join a motif.
    public var similarity: Float = 0.6
    public var minSeqlets = 10
    /// Strongest seqlets of each sign clustered (all are written).
    public var maxSeqlets = 5000
    /// q-value below which a database match is reported.
    public var matchQ = 0.05
    /// Seed of the caller's permutation null.
    public var seed: UInt64 = 1

    public init(database: String? = nil) { self.database = database }

    public func validate() throws {
        if seqletWindow < 1 || flank < 0 { throw PipelineError.usage("--window must be at least 1 and --flank not negative") }
        if !(fdr > 0 && fdr < 1) || !(matchQ > 0 && matchQ <= 1) { throw PipelineError.usage("--fdr and --match-q must be in (0, 1)") }
        if !(similarity > 0 && similarity <= 1) { throw PipelineError.usage("--similarity must be in (0, 1]") }
        if minSeqlets < 1 || maxSeqlets < 1 { throw PipelineError.usage("--min-seqlets and --max-seqlets must be at least 1") }
    }

    /// The discovery these settings describe.
    public var discovery: MotifDiscovery {
        var discovery = MotifDiscovery()
        discovery.caller.window = seqletWindow
        discovery.caller.flank = flank
        discovery.caller.fdr = fdr
        discovery.caller.seed = seed
        discovery.clustering.similarity = similarity
        discovery.clustering.minSeqlets = minSeqlets
        discovery.maxClustered = maxSeqlets
        discovery.matchQ = matchQ
        return discovery
    }

    /// Seqlets, motifs and matches in `data`, in memory.
    public func find(in data: ExplainedWindows) throws -> FoundMotifs {
        let started = Date()
        let motifs = try database.map { try MEMEFile.read(path: $0) }
        let discovery = self.discovery
        let result = discovery.run(data, comparison: motifs.map { MotifComparison(database: $0) })
        let header = [
            "plrp \(plrpVersion) motifs",
            discovery.caller.description,
            "thresholds: " + [Seqlet.Sign.positive, .negative].map { "\($0.rawValue)=\(result.thresholds[$0].map { "\($0)" } ?? "none")" }.joined(separator: " "),
            discovery.clustering.description,
        ]
        return FoundMotifs(data: data, result: result, database: motifs, header: header, seconds: Date().timeIntervalSince(started))
    }

    /// Stages seqlets.bed, instances.bed, motifs.meme, cwms.tsv, matches.tsv and report.html in `folder`.
    public func stage(_ found: FoundMotifs, into folder: OutputDirectory) throws {
        let (result, data, header, database) = (found.result, found.data, found.header, found.database ?? [])
        try TextFile.write(MotifOutputs.seqletsBED(result, data: data, header: header), to: folder.stage("seqlets.bed"))
        try TextFile.write(MotifOutputs.instancesBED(result, data: data, header: header), to: folder.stage("instances.bed"))
        try TextFile.write(MEMEFile.format(result.motifs.map(\.pfm), comments: header), to: folder.stage("motifs.meme"))
        try TextFile.write(MotifOutputs.cwmsTSV(result), to: folder.stage("cwms.tsv"))
        try TextFile.write(MotifOutputs.matchesTSV(result, database: database), to: folder.stage("matches.tsv"))
        try TextFile.write(MotifReport.html(result, data: data, database: database, header: header), to: folder.stage("report.html"))
    }

    /// Finds motifs in `arrays` and stages every motif output in `folder`; the caller writes the manifest.
    public func run(from arrays: ExplainArrays, into folder: OutputDirectory) throws -> MotifsReport {
        let started = Date()
        let found = try find(in: try arrays.load())
        try stage(found, into: folder)
        return report(found, inputs: [arrays.oneHot, arrays.relevance, arrays.windows], seconds: Date().timeIntervalSince(started))
    }

    /// What the job found, for a manifest and summary line.
    public func report(_ found: FoundMotifs, inputs: [String], seconds: Double) -> MotifsReport {
        let result = found.result
        return MotifsReport(
            parameters: ["database": database == nil ? NSNull() : database!, "seqlet_window": seqletWindow,
                         "flank": flank, "fdr": fdr, "similarity": similarity, "min_seqlets": minSeqlets,
                         "max_seqlets": maxSeqlets, "match_q": matchQ, "seed": seed],
            results: ["windows": found.data.count, "seqlets": result.seqlets.count, "motifs": result.motifs.count,
                      "significant_matches": result.matches.reduce(0) { $0 + $1.count }],
            inputs: inputs + (database.map { [$0] } ?? []),
            seconds: seconds,
            summary: String(format: "%d seqlets, %d motifs, %d with a significant match in %.2f s", result.seqlets.count,
                            result.motifs.count, result.matches.filter { !$0.isEmpty }.count, seconds),
            motifs: found.motifs)
    }
}

/// Motifs found in explained windows, with what is needed to write them.
public struct FoundMotifs: Sendable {
    public let data: ExplainedWindows
    public let result: MotifDiscovery.Result
    /// The database compared with, when one was given.
    public let database: [Motif]?
    /// The comment lines of the outputs (version, caller, thresholds, clustering).
    public let header: [String]
    public let seconds: Double

    /// Each motif with its seqlet count, consensus and best match (`db_id db_name`, or nil), strongest first.
    public var motifs: [MotifSummary] {
        zip(result.motifs, result.matches).map { motif, matches in
            MotifSummary(id: motif.id, seqlets: motif.cluster.members.count, consensus: motif.pfm.consensus,
                         match: matches.first.map { "\(database![$0.comparison.target].id) \(database![$0.comparison.target].name)" })
        }
    }
}

public struct MotifSummary: Sendable, Equatable {
    public let id: String
    public let seqlets: Int
    public let consensus: String
    /// The best significant match, `db_id db_name`.
    public let match: String?
}

/// What a motifs job did, for its manifest and summary line.
public struct MotifsReport {
    public var parameters: [String: Any]
    public var results: [String: Any]
    public var inputs: [String]
    public var seconds: Double
    public var summary: String
    public var motifs: [MotifSummary]
}
