import Explain
import Foundation
import GenomeIO
import Motifs
import Tracks

/// The whole pipeline into one folder, as `plrp run` does it: explain genome windows into arrays and genome tracks,
/// then motifs over them (not for a shard: `ShardMerge` finds them once the shards are joined), and a manifest whose
/// `job` names the parameters and input checksums, so that a folder already holding the job can be left as it is.
public struct RunJob {
    public var explain: ExplainJob
    /// Motif discovery after explaining; its database is part of the job.
    public var motifs: MotifsJob

    /// - Parameters: `explain` must read genome windows (`.fasta` input).
    public init(explain: ExplainJob, motifs: MotifsJob) {
        self.explain = explain
        self.motifs = motifs
    }

    /// The files whose checksums identify the job and go into the manifest.
    public var inputs: [String] {
        [explain.input.fasta ?? "", explain.model] + (explain.shard == nil ? motifs.database.map { [$0] } ?? [] : [])
            + (explain.input.regionsFile.map { [$0] } ?? []) + (explain.method.references.map { [$0] } ?? [])
    }

    /// What decides the results, as command-line arguments (the output folder and thread count do not).
    public var arguments: [String] {
        let input = explain.input
        var arguments = ["--fasta", input.fasta ?? "", "--model", explain.model, "--step", "\(input.step ?? 0)",
                         "--prune", explain.method.prune, "--plrp", explain.method.variant.rawValue]
        arguments += explain.method.nonDefaultArguments
        arguments += input.regions.flatMap { ["--region", $0] } + (input.regionsFile.map { ["--regions", $0] } ?? [])
        if let shard = explain.shard { arguments += ["--shard", "\(shard.index)/\(shard.count)"] }
        if explain.arrays != .all { arguments += ["--arrays", explain.arrays.rawValue] }
        // Settings the library takes beyond `plrp run`'s options, so that shards differing in them are told apart.
        if let target = explain.target { arguments += ["--target", target] }
        if explain.aggregate != .mean { arguments += ["--aggregate", explain.aggregate.rawValue] }
        if explain.shard == nil, let database = motifs.database { arguments += ["--database", database] }
        return arguments
    }

    /// The job's identity: its arguments and the checksums of its inputs.
    public func identity() throws -> String {
        try (arguments + inputs.map { "md5:" + (try FileChecksum.md5(path: $0)) }).joined(separator: " ")
    }

    /// Motifs from the run's staged genome track (named by its final name, not the staged one).
    private func trackMotifs(_ folder: OutputDirectory) -> TrackMotifsJob {
        // The FASTA as the manifest records it, as a merge of this job's shards finds it.
        var job = TrackMotifsJob(track: folder.staged("relevance.bw") ?? "", fasta: explain.input.absoluteFasta ?? "", motifs: motifs)
        job.trackName = "relevance.bw"
        return job
    }

    /// Whether `folder` holds the complete results of the job `identity` (its manifest says so and the arrays exist).
    public static func isFinished(_ identity: String, in folder: String) -> Bool {
        guard Manifest.parameters(inFolder: folder)?["job"] as? String == identity else {
            return false
        }
        let files: [String]
        switch (Manifest.parameters(inFolder: folder)?["arrays"] as? String).flatMap(ArrayOutput.init(rawValue:)) ?? .all {
        case .none: files = ["relevance.bw", "windows.bed"]
        case .hypothetical: files = ["ohe.npz", "hypothetical.npz", "windows.bed"]
        case .all: files = ["ohe.npz", "attr.npz", "windows.bed"]
        }
        return files.allSatisfy { FileManager.default.fileExists(atPath: PathName.join(folder, $0)) }
    }

    /// Runs the job into `folder` (staged, then committed with its manifest); `identity` is `identity()`, `started`
    /// when the job began (for the manifest's total time).
    public func run(into folder: OutputDirectory, identity: String, started: Date = Date(), progress: ProgressObserver? = nil,
                    diagnostics: Diagnostics = .standardError) throws -> RunReport {
        let explained = try Explainer(explain, diagnostics: diagnostics).explain(into: folder, progress: progress)
        var manifest = Manifest(command: "run")
        manifest.parameters = explained.parameters
        manifest.parameters["job"] = identity
        manifest.results = explained.results
        manifest.timings = ["explain": explained.seconds]
        var found: MotifsReport?
        if explain.shard == nil {
            // Without arrays the motifs come from the staged genome track, as `plrp motifs --track` finds them.
            let report = explain.arrays != .none
                ? try motifs.run(from: ExplainArrays(staged: folder), into: folder,
                                 source: ExplainArrays.source(parameters: explained.parameters, inputs: inputs))
                : try trackMotifs(folder).run(into: folder)
            manifest.parameters["motifs"] = report.parameters
            manifest.results["motifs"] = report.results
            manifest.timings["motifs"] = report.seconds
            found = report
        }
        for file in inputs { try manifest.addInput(file) }
        manifest.timings["total"] = Date().timeIntervalSince(started)
        try manifest.write(to: folder.stage("manifest.json"))
        try folder.commit()
        return RunReport(explain: explained, motifs: found)
    }
}

/// What a run did: its explain part, and its motifs (nil for a shard).
public struct RunReport {
    public var explain: ExplainReport
    public var motifs: MotifsReport?

    /// What `plrp run` prints: the explain summary, the motifs and their best matches, the files written into `out`.
    public func summary(out: String, seconds: Double) -> String {
        var lines = ["plrp run: \(explain.summary(out: out))"]
        if let motifs {
            lines.append("  motifs: \(motifs.summary)")
            for motif in motifs.motifs.filter({ $0.match != nil }).prefix(5) {
                lines.append("    \(motif.id) (\(motif.seqlets) seqlets, \(motif.consensus)) → \(motif.match!)")
            }
        }
        let files = ["relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw"]
            + (motifs == nil ? [] : ["seqlets.bed", "motifs.meme", "matches.tsv", "instances.bed", "report.html"]) + ["manifest.json"]
        lines.append("  files in \(out)/: " + files.filter { FileManager.default.fileExists(atPath: PathName.join(out, $0)) }.joined(separator: ", "))
        lines.append(String(format: "  total %.1f s", seconds))
        return lines.joined(separator: "\n")
    }
}

extension MethodConfiguration {
    /// The options that differ from plain defaults other than `prune` and `variant`, as command-line arguments in a
    /// fixed order (part of a run's identity; empty for a run with the default method).
    public var nonDefaultArguments: [String] {
        let defaults = MethodConfiguration()
        var arguments: [String] = []
        if method != defaults.method { arguments += ["--method", method.rawValue] }
        if composite != defaults.composite { arguments += ["--composite", composite.rawValue] }
        arguments += rules.flatMap { ["--rule", $0] }
        if epsilon != defaults.epsilon { arguments += ["--epsilon", "\(epsilon)"] }
        if gamma != defaults.gamma { arguments += ["--gamma", "\(gamma)"] }
        if let pruneNegative { arguments += ["--prune-neg", "\(pruneNegative)"] }
        if outputRelevance != defaults.outputRelevance { arguments += ["--output-relevance", outputRelevance.rawValue] }
        if !mergeBatchNorm { arguments.append("--no-merge-batchnorm") }
        if method == .deepliftShap {
            if let references { arguments += ["--references", references] } else { arguments += ["--shuffles", "\(shuffles)"] }
            arguments += ["--seed", "\(seed)"]
        }
        if writeReferences { arguments.append("--write-references") }
        if hypothetical { arguments.append("--hypothetical") }
        if strand != defaults.strand { arguments += ["--strand", strand.rawValue] }
        return arguments
    }
}
