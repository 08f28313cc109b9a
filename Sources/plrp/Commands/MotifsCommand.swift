import ArgumentParser
import Foundation
import GenomeIO
import Motifs
import Tracks

/// `plrp motifs`: seqlets, motifs and database matches from an `explain` output folder.
struct MotifsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "motifs",
        abstract: "Seqlets, motifs and database matches from a plrp explain output folder.",
        discussion: """
        Reads DIR/ohe.npz, DIR/attr.npz and DIR/windows.bed. Seqlets are called on per-base relevance (channel sums),
        positive and negative separately, by a windowed-FDR test against a within-row permutation null; clustered
        into motifs by aligned cosine similarity of their contributions on both strands; each motif's PFM and CWM
        are trimmed to the informative core and compared with --database (MEME) by column Pearson correlation, with
        p-values against random database columns and Benjamini–Hochberg q-values. Writes seqlets.bed, motifs.meme (PFMs), cwms.tsv,
        matches.tsv, instances.bed, report.html and manifest.json into the output folder.
        """)

    @Option(help: "A plrp explain output folder.")
    var input: String

    @Option(help: "Motif database in MEME format (e.g. data/motifs/JASPAR2026_CORE_insects.meme); no matching without it.")
    var database: String?

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String

    @Option(help: "Seqlet core width (bases summed by the caller's sliding window).")
    var window: Int = 12

    @Option(help: "Bases added on each side of a seqlet core.")
    var flank: Int = 6

    @Option(help: "False-discovery rate of the seqlet caller.")
    var fdr: Double = 0.001

    @Option(help: "Cosine similarity for a seqlet to join a motif.")
    var similarity: Float = 0.6

    @Option(help: "Fewest seqlets a motif must have.")
    var minSeqlets: Int = 10

    @Option(help: "Strongest seqlets of each sign clustered (all are written).")
    var maxSeqlets: Int = 5000

    @Option(help: "q-value below which a database match is reported.")
    var matchQ: Double = 0.05

    @Option(help: "Random seed of the caller's permutation null.")
    var seed: UInt64 = 1

    @Flag(help: "No summary line on stderr.")
    var quiet = false

    func validate() throws {
        if window < 1 || flank < 0 { throw ValidationError("--window must be at least 1 and --flank not negative") }
        if !(fdr > 0 && fdr < 1) || !(matchQ > 0 && matchQ <= 1) { throw ValidationError("--fdr and --match-q must be in (0, 1)") }
        if !(similarity > 0 && similarity <= 1) { throw ValidationError("--similarity must be in (0, 1]") }
        if minSeqlets < 1 || maxSeqlets < 1 { throw ValidationError("--min-seqlets and --max-seqlets must be at least 1") }
    }

    func run() throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder), isFolder.boolValue else {
            throw DataError("--input '\(input)' is not a folder")
        }
        let arrays = ExplainArrays(folder: input)
        for (name, path) in [("windows.bed", arrays.windows), ("ohe.npz", arrays.oneHot), ("attr.npz", arrays.relevance)]
        where !FileManager.default.fileExists(atPath: path) {
            throw DataError("'\(input)' has no \(name): give the output folder of plrp explain")
        }
        let folder = try OutputDirectory(path: out)
        let report = try execute(from: arrays, into: folder)
        try Manifest.commit("motifs", parameters: report.parameters, inputs: report.inputs, results: report.results,
                            seconds: report.seconds, folder: folder)
        if !quiet { Console.note(report.summary + " → \(out)") }
    }

    /// Where an explain run's arrays and windows are (files may be staged under temporary names).
    struct ExplainArrays {
        var oneHot: String
        var relevance: String
        var windows: String

        init(folder: String) {
            oneHot = PathName.join(folder, "ohe.npz")
            relevance = PathName.join(folder, "attr.npz")
            windows = PathName.join(folder, "windows.bed")
        }

        /// The arrays an explain job has staged in `folder` and not yet committed.
        init(staged folder: OutputDirectory) {
            oneHot = folder.staged("ohe.npz")!
            relevance = folder.staged("attr.npz")!
            windows = folder.staged("windows.bed")!
        }
    }

    /// What a motifs job did, for its manifest and summary line.
    struct Report {
        var parameters: [String: Any]
        var results: [String: Any]
        var inputs: [String]
        var seconds: Double
        var summary: String
        /// Each motif with its seqlet count and best match (`db_id db_name`, or nil), strongest first.
        var motifs: [(id: String, seqlets: Int, consensus: String, match: String?)]
    }

    /// Finds seqlets and motifs in `arrays` and stages every motif output in `folder`; the caller writes the manifest.
    func execute(from arrays: ExplainArrays, into folder: OutputDirectory) throws -> Report {
        let started = Date()
        let data = try Self.load(arrays)
        let database = try self.database.map { try MEMEFile.read(path: $0) }
        var discovery = MotifDiscovery()
        discovery.caller.window = window
        discovery.caller.flank = flank
        discovery.caller.fdr = fdr
        discovery.caller.seed = seed
        discovery.clustering.similarity = similarity
        discovery.clustering.minSeqlets = minSeqlets
        discovery.maxClustered = maxSeqlets
        discovery.matchQ = matchQ
        let result = discovery.run(data, comparison: database.map { MotifComparison(database: $0) })

        let header = [
            "plrp \(Plrp.version) motifs",
            discovery.caller.description,
            "thresholds: " + [Seqlet.Sign.positive, .negative].map { "\($0.rawValue)=\(result.thresholds[$0].map { "\($0)" } ?? "none")" }.joined(separator: " "),
            discovery.clustering.description,
        ]
        try TextFile.write(MotifOutputs.seqletsBED(result, data: data, header: header), to: folder.stage("seqlets.bed"))
        try TextFile.write(MotifOutputs.instancesBED(result, data: data, header: header), to: folder.stage("instances.bed"))
        try TextFile.write(MEMEFile.format(result.motifs.map(\.pfm), comments: header), to: folder.stage("motifs.meme"))
        try TextFile.write(MotifOutputs.cwmsTSV(result), to: folder.stage("cwms.tsv"))
        try TextFile.write(MotifOutputs.matchesTSV(result, database: database ?? []), to: folder.stage("matches.tsv"))
        try TextFile.write(MotifReport.html(result, data: data, database: database ?? [], header: header), to: folder.stage("report.html"))
        let seconds = Date().timeIntervalSince(started)
        let motifs = zip(result.motifs, result.matches).map { motif, matches in
            (motif.id, motif.cluster.members.count, motif.pfm.consensus,
             matches.first.map { "\(database![$0.comparison.target].id) \(database![$0.comparison.target].name)" })
        }
        return Report(
            parameters: ["database": database == nil ? NSNull() : self.database!, "seqlet_window": window,
                         "flank": flank, "fdr": fdr, "similarity": similarity, "min_seqlets": minSeqlets,
                         "max_seqlets": maxSeqlets, "match_q": matchQ, "seed": seed],
            results: ["windows": data.count, "seqlets": result.seqlets.count, "motifs": result.motifs.count,
                      "significant_matches": result.matches.reduce(0) { $0 + $1.count }],
            inputs: [arrays.oneHot, arrays.relevance, arrays.windows] + (self.database.map { [$0] } ?? []),
            seconds: seconds,
            summary: String(format: "%d seqlets, %d motifs, %d with a significant match in %.2f s", result.seqlets.count,
                            result.motifs.count, result.matches.filter { !$0.isEmpty }.count, seconds),
            motifs: motifs)
    }

    /// The arrays and windows, checked against each other.
    static func load(_ arrays: ExplainArrays) throws -> ExplainedWindows {
        let rows = try WindowsBED.read(path: arrays.windows)
        guard !rows.isEmpty else { throw DataError("'\(arrays.windows)' holds no windows") }
        let oneHot = try NPZReader.read(path: arrays.oneHot)
        let relevance = try NPZReader.read(path: arrays.relevance)
        guard oneHot.shape.count == 3, oneHot.shape[1] == 4, relevance.shape == oneHot.shape else {
            throw DataError("'\(arrays.oneHot)' \(oneHot.shape) and '\(arrays.relevance)' \(relevance.shape) are not both [N, 4, L]")
        }
        guard oneHot.shape[0] == rows.count else {
            throw DataError("'\(arrays.windows)' has \(rows.count) rows but the arrays \(oneHot.shape[0])")
        }
        return try ExplainedWindows(length: oneHot.shape[2], oneHot: oneHot.values, relevance: relevance.values,
                                    places: rows.map { .init(contig: $0.contig, start: $0.start, end: $0.end, name: $0.name, strand: $0.strand) })
    }

}
