import ArgumentParser
import Foundation
import GenomeIO
import Tracks

/// `plrp run`: the whole pipeline — explain with PLRP into genome tracks, then motifs — into one folder.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The whole pipeline: PLRP relevance tracks, seqlets, motifs and JASPAR matches, into one folder.",
        discussion: """
        With no arguments it runs on the shipped data: the default promoter model over \(ShippedData.region) of dm3
        chr2R, 300-bp windows every 150 bp, PLRP-λ (p = 0.5), motifs matched against JASPAR 2026 CORE insects, into
        results/. Writes relevance.bedGraph.gz (+ .tbi), relevance.bw, ohe.npz, attr.npz, windows.bed, seqlets.bed,
        motifs.meme, cwms.tsv, matches.tsv, instances.bed, report.html and manifest.json, all renamed into place only
        when the run completes, then prints a summary. A folder whose manifest records the same job (parameters and
        input checksums) is left as it is. With --shard I/N only the explain part of shard I runs (no motifs);
        `plrp merge` joins the shards into what one run writes.
        """)

    @Option(help: "Genome FASTA (default: the shipped dm3 chr2R).")
    var fasta: String?

    @Option(name: .customLong("region"), help: "Region, samtools syntax; repeatable (default: \(ShippedData.region) with the shipped genome, else every contig).")
    var regions: [String] = []

    @Option(name: .customLong("regions"), help: "BED file of regions.")
    var regionsFile: String?

    @Option(help: "Model file (default: the shipped promoter model).")
    var model: String?

    @Option(help: "Motif database, MEME format (default: the shipped JASPAR 2026 CORE insects).")
    var database: String?

    @Option(help: "Distance between window starts.")
    var step: Int = 150

    @Option(help: "PLRP: fraction of relevance mass pruned per layer (0: plain LRP).")
    var prune: String = "0.5"

    @Option(help: "PLRP variant: lambda or m.")
    var plrp: String = "lambda"

    @Option(help: "Run only part I of N of the windows (1-based); no motifs, `plrp merge` joins the parts.")
    var shard: String?

    @Option(help: "Worker threads (results do not depend on it).")
    var threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String = "results"

    @Flag(help: "Recompute even when the folder holds this job's results.")
    var force = false

    @Flag(help: "No progress and no summary.")
    var quiet = false

    func run() throws {
        let started = Date()
        let fasta = try self.fasta ?? ShippedData.path(ShippedData.genome, instead: "--fasta")
        let model = try self.model ?? ShippedData.path(ShippedData.model, instead: "--model")
        let database = try self.database ?? ShippedData.path(ShippedData.database, instead: "--database")
        var regionArguments = regions.flatMap { ["--region", $0] } + (regionsFile.map { ["--regions", $0] } ?? [])
        if regionArguments.isEmpty && self.fasta == nil { regionArguments = ["--region", ShippedData.region] }
        // What decides the results; the output folder and thread count do not.
        var jobArguments = ["--fasta", fasta, "--model", model, "--step", "\(step)", "--prune", prune, "--plrp", plrp] + regionArguments
        if let shard { jobArguments += ["--shard", shard] }
        let explain = try ExplainCommand.parse(jobArguments + ["--threads", "\(threads)", "-o", out] + (quiet ? ["--quiet"] : []))
        let motifs = try MotifsCommand.parse(["--input", out, "--database", database, "-o", out])

        let inputs = [fasta, model] + (shard == nil ? [database] : []) + (regionsFile.map { [$0] } ?? [])
        let job = try Self.job(arguments: jobArguments + (shard == nil ? ["--database", database] : []), inputs: inputs)
        if !force, Self.finished(job: job, in: out) {
            if !quiet { Console.note("\(out) already holds this job's results (same parameters and inputs); --force recomputes") }
            return
        }

        let folder = try OutputDirectory(path: out)
        let explained = try explain.execute(into: folder)
        var manifest = Manifest(command: "run")
        manifest.parameters = explained.parameters
        manifest.parameters["job"] = job
        manifest.results = explained.results
        manifest.timings = ["explain": explained.seconds]
        var found: MotifsCommand.Report?
        if shard == nil {
            let arrays = MotifsCommand.ExplainArrays(staged: folder)
            let report = try motifs.execute(from: arrays, into: folder)
            manifest.parameters["motifs"] = report.parameters
            manifest.results["motifs"] = report.results
            manifest.timings["motifs"] = report.seconds
            found = report
        }
        for file in inputs { try manifest.addInput(file) }
        manifest.timings["total"] = Date().timeIntervalSince(started)
        try manifest.write(to: folder.stage("manifest.json"))
        try folder.commit()
        if !quiet { print(summary(explained, found, seconds: Date().timeIntervalSince(started))) }
    }

    /// The job's identity: its explain arguments and the checksums of its inputs.
    static func job(arguments: [String], inputs: [String]) throws -> String {
        try (arguments + inputs.map { "md5:" + (try FileChecksum.md5(path: $0)) }).joined(separator: " ")
    }

    /// Whether `folder` holds the complete results of `job` (its manifest says so and the files it lists exist).
    static func finished(job: String, in folder: String) -> Bool {
        guard Manifest.parameters(inFolder: folder)?["job"] as? String == job else {
            return false
        }
        return ["ohe.npz", "attr.npz", "windows.bed"].allSatisfy { FileManager.default.fileExists(atPath: PathName.join(folder, $0)) }
    }

    private func summary(_ explained: ExplainCommand.Report, _ motifs: MotifsCommand.Report?, seconds: Double) -> String {
        var lines = ["plrp run: \(explained.summary(out: out))"]
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
