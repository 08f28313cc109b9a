import Foundation
import GenomeIO
import Motifs
import Tracks

/// Where an explain run's arrays and windows are (files may be staged under temporary names).
public struct ExplainArrays: Sendable {
    public var oneHot: String
    /// attr.npz; nil for a run with `--arrays hypothetical`, whose contributions are hypothetical × one-hot.
    public var relevance: String?
    public var windows: String
    /// hypothetical.npz, when the run wrote it (CWMs are then built from it).
    public var hypothetical: String?
    /// The explain run's manifest.json, when there is one (the report names the model, genome, regions and method).
    public var manifest: String?

    /// The files of a finished explain output folder.
    public init(folder: String) {
        oneHot = PathName.join(folder, "ohe.npz")
        let relevance = PathName.join(folder, "attr.npz")
        self.relevance = FileManager.default.fileExists(atPath: relevance) ? relevance : nil
        windows = PathName.join(folder, "windows.bed")
        let hypothetical = PathName.join(folder, "hypothetical.npz")
        self.hypothetical = FileManager.default.fileExists(atPath: hypothetical) ? hypothetical : nil
        let manifest = PathName.join(folder, "manifest.json")
        self.manifest = FileManager.default.fileExists(atPath: manifest) ? manifest : nil
    }

    /// The arrays an explain job has staged in `folder` and not yet committed.
    public init(staged folder: OutputDirectory) {
        oneHot = folder.staged("ohe.npz")!
        relevance = folder.staged("attr.npz")
        windows = folder.staged("windows.bed")!
        hypothetical = folder.staged("hypothetical.npz")
    }

    /// The arrays and windows, checked against each other. Without attr.npz the contributions are the hypothetical
    /// ones times the one-hot, as TF-MoDISco computes them from the same two arrays.
    public func load() throws -> ExplainedWindows {
        let rows = try WindowsBED.read(path: windows)
        guard !rows.isEmpty else { throw PipelineError.data("'\(windows)' holds no windows") }
        let oneHotArray = try NPZReader.read(path: oneHot)
        guard oneHotArray.shape.count == 3, oneHotArray.shape[1] == 4 else {
            throw PipelineError.data("'\(oneHot)' \(oneHotArray.shape) is not [N, 4, L]")
        }
        guard oneHotArray.shape[0] == rows.count else {
            throw PipelineError.data("'\(windows)' has \(rows.count) rows but the arrays \(oneHotArray.shape[0])")
        }
        var hypothetical: [Float]?
        if let path = self.hypothetical {
            let array = try NPZReader.read(path: path)
            guard array.shape == oneHotArray.shape else {
                throw PipelineError.data("'\(path)' \(array.shape) does not match '\(oneHot)' \(oneHotArray.shape)")
            }
            hypothetical = array.values
        }
        let relevance: [Float]
        if let path = self.relevance {
            let array = try NPZReader.read(path: path)
            guard array.shape == oneHotArray.shape else {
                throw PipelineError.data("'\(path)' \(array.shape) does not match '\(oneHot)' \(oneHotArray.shape)")
            }
            relevance = array.values
        } else if let hypothetical {
            relevance = zip(hypothetical, oneHotArray.values).map { $0 * $1 }
        } else {
            throw PipelineError.data("'\((windows as NSString).deletingLastPathComponent)' has neither attr.npz nor hypothetical.npz")
        }
        return try ExplainedWindows(length: oneHotArray.shape[2], oneHot: oneHotArray.values, relevance: relevance,
                                    places: rows, hypothetical: hypothetical)
    }

    /// What was explained, for the report: from the explain manifest's parameters and inputs.
    public func source() -> [(String, String)] {
        guard let manifest, let data = FileManager.default.contents(atPath: manifest),
              let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let parameters = document["parameters"] as? [String: Any] else { return [] }
        return Self.source(parameters: parameters, inputs: ((document["inputs_md5"] as? [String: Any]) ?? [:]).keys.sorted())
    }

    /// Model, genome (or sequences), regions and method named from an explain run's parameters and input files (file
    /// names without their folders).
    public static func source(parameters: [String: Any], inputs: [String]) -> [(String, String)] {
        // File names only: the same job reached through other paths (a shard, a workflow) writes the same report.
        let name = { (path: String) in (path as NSString).lastPathComponent }
        var rows: [(String, String)] = []
        let model = parameters["model"] as? String
        if let model { rows.append(("model", name(model))) }
        let regionsFile = parameters["regions_file"] as? String
        let read = inputs.filter { $0 != model && $0 != regionsFile && !$0.hasSuffix(".meme") }
        if !read.isEmpty { rows.append(("genome / sequences", read.map(name).joined(separator: ", "))) }
        var regions = (parameters["regions"] as? [String]) ?? []
        if let regionsFile { regions.append(name(regionsFile)) }
        let window = parameters["window"].map { "\($0)" }, step = parameters["step"].map { "\($0)" }
        rows.append(("regions", (regions.isEmpty ? "every window of the input" : regions.joined(separator: ", "))
                     + (window.map { "; windows of \($0) bp" } ?? "") + (step.map { " every \($0) bp" } ?? "")))
        if let method = parameters["method"] as? String {
            var text = method
            if method == "lrp" {
                let prune = (parameters["prune"] as? Double) ?? (parameters["prune"] as? String).flatMap(Double.init) ?? 0
                let variant = (parameters["plrp"] as? String) == "m" ? "M" : "λ"
                text = prune > 0 ? "PLRP-\(variant) p = \(prune)" : "LRP"
                if let composite = parameters["composite"] { text += " (\(composite))" }
            }
            if let target = parameters["target"] { text += ", target \(target)" }
            rows.append(("method", text))
        }
        return rows
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
    /// Smallest share of a sign's clustered seqlets a motif must hold.
    public var minFraction = 0.01
    /// Least information content of a reported motif: bits over the trimmed PFM, and bits per column over its best 8 consecutive columns.
    public var minBits = 4.0
    public var minCoreBits = 0.95
    /// Which windows negative seqlets are called in.
    public var negatives = SeqletCaller.NegativeRule.whereOutputIsOn
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
        if !(minFraction >= 0 && minFraction < 1) || !(minBits >= 0) || !(minCoreBits >= 0 && minCoreBits <= 2) {
            throw PipelineError.usage("--min-fraction must be in [0, 1), --min-bits not negative and --min-core-bits in [0, 2]")
        }
    }

    /// The discovery these settings describe.
    public var discovery: MotifDiscovery {
        var discovery = MotifDiscovery()
        discovery.caller.window = seqletWindow
        discovery.caller.flank = flank
        discovery.caller.fdr = fdr
        discovery.caller.seed = seed
        discovery.caller.negatives = negatives
        discovery.clustering.similarity = similarity
        discovery.clustering.minSeqlets = minSeqlets
        discovery.clustering.minFraction = minFraction
        discovery.minBits = minBits
        discovery.minCoreBits = minCoreBits
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
            discovery.description,
            "sites: \(result.seqlets.count) seqlets after merging \(result.merged) sightings in overlapping windows (\(result.conflicts) sign conflicts resolved by the aggregated track); \(result.lowInformation) low-information clusters dropped",
        ]
        return FoundMotifs(data: data, result: result, database: motifs, header: header, seconds: Date().timeIntervalSince(started))
    }

    /// Stages seqlets.bed, instances.bed, motifs.meme, cwms.tsv, matches.tsv and report.html in `folder`; `source`
    /// names what was explained at the top of the report.
    public func stage(_ found: FoundMotifs, into folder: OutputDirectory, source: [(String, String)] = []) throws {
        let (result, data, header, database) = (found.result, found.data, found.header, found.database ?? [])
        try TextFile.write(MotifOutputs.seqletsBED(result, data: data, header: header), to: folder.stage("seqlets.bed"))
        try TextFile.write(MotifOutputs.instancesBED(result, data: data, header: header), to: folder.stage("instances.bed"))
        try TextFile.write(MEMEFile.format(result.motifs.map(\.pfm), comments: header), to: folder.stage("motifs.meme"))
        try TextFile.write(MotifOutputs.cwmsTSV(result), to: folder.stage("cwms.tsv"))
        try TextFile.write(MotifOutputs.matchesTSV(result, database: database), to: folder.stage("matches.tsv"))
        try TextFile.write(MotifReport.html(result, data: data, database: database, header: header, source: source,
                                           counts: found.counts), to: folder.stage("report.html"))
    }

    /// Finds motifs in `arrays` and stages every motif output in `folder`; the caller writes the manifest. `source`
    /// (what was explained) defaults to what the arrays' explain manifest says.
    public func run(from arrays: ExplainArrays, into folder: OutputDirectory, source: [(String, String)]? = nil) throws -> MotifsReport {
        let started = Date()
        let found = try find(in: try arrays.load())
        try stage(found, into: folder, source: source ?? arrays.source())
        return report(found, inputs: [arrays.oneHot] + (arrays.relevance.map { [$0] } ?? []) + [arrays.windows]
                      + (arrays.hypothetical.map { [$0] } ?? []),
                      seconds: Date().timeIntervalSince(started))
    }

    /// What the job found, for a manifest and summary line.
    public func report(_ found: FoundMotifs, inputs: [String], seconds: Double) -> MotifsReport {
        let result = found.result
        return MotifsReport(
            parameters: ["database": database == nil ? NSNull() : database!, "seqlet_window": seqletWindow,
                         "flank": flank, "fdr": fdr, "similarity": similarity, "min_seqlets": minSeqlets,
                         "min_fraction": minFraction, "min_bits": minBits, "min_core_bits": minCoreBits, "negatives": negatives.rawValue,
                         "max_seqlets": maxSeqlets, "match_q": matchQ, "seed": seed],
            results: ["windows": found.data.count, "seqlets": result.seqlets.count, "merged_sightings": result.merged,
                      "sign_conflicts": result.conflicts, "motifs": result.motifs.count,
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
    /// The report's sentence on where the seqlets came from, when not the explained windows.
    public var counts: String? = nil

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
