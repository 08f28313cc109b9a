import ArgumentParser
import Foundation
import GenomeIO
import Pipeline
import Tracks

/// `plrp run`: the whole pipeline — explain with PLRP into genome tracks, then motifs — into one folder.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The whole pipeline: PLRP relevance tracks, seqlets, motifs and JASPAR matches, into one folder.",
        discussion: """
        With no arguments it runs on the shipped data: the default promoter model over \(ShippedData.region) of dm3 \
        chr2R, 300-bp windows every 150 bp, PLRP-λ (p = 0.5), motifs matched against JASPAR 2026 CORE insects, into \
        results/. Writes relevance.bedGraph.gz (+ .tbi), relevance.bw, ohe.npz, attr.npz, windows.bed, seqlets.bed, \
        motifs.meme, cwms.tsv, matches.tsv, instances.bed, report.html and manifest.json, all renamed into place only \
        when the run completes, then prints a summary. A folder whose manifest records the same job (parameters and \
        input checksums) is left as it is. With --shard I/N only the explain part of shard I runs (no motifs); \
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

    @OptionGroup(title: "Method") var method: MethodOptions

    @Option(help: "all; hypothetical: ohe.npz and hypothetical.npz (motifs from hypothetical × one-hot, CWMs from the hypothetical contributions); or none: no arrays (recommended for whole genomes), motifs then come from the track.")
    var arrays: ArrayOutput = .all

    @Option(help: "Run only part I of N of the windows (1-based); no motifs, `plrp merge` joins the parts.")
    var shard: String?

    @Option(help: "Worker threads (default: every core; results do not depend on it).")
    var threads: Int = everyCore

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String = "results"

    @Flag(help: "Recompute even when the folder holds this job's results.")
    var force = false

    @Flag(help: "No progress and no summary.")
    var quiet = false

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if step < 1 { throw ValidationError("--step must be a positive number of bases, got \(step)") }
    }

    func run() throws {
        let started = Date()
        let fasta = try self.fasta ?? ShippedData.path(ShippedData.genome, instead: "--fasta")
        let model = try self.model ?? ShippedData.path(ShippedData.model, instead: "--model")
        let database = try self.database ?? ShippedData.path(ShippedData.database, instead: "--database")
        var input = InputDescription.genome(fasta, regions: regions, step: step)
        input.regionsFile = regionsFile
        if regions.isEmpty && regionsFile == nil && self.fasta == nil { input.regions = [ShippedData.region] }
        var explain = ExplainJob(input: input, model: model, method: method.configuration)
        explain.shard = try ExplainCommand.shard(shard)
        explain.threads = threads
        explain.arrays = arrays
        let job = RunJob(explain: explain, motifs: MotifsJob(database: database))

        let identity = try job.identity()
        if !force, RunJob.isFinished(identity, in: out) {
            if !quiet { Console.note("\(out) already holds this job's results (same parameters and inputs); --force recomputes") }
            return
        }
        Interruption.watch(out)
        let folder = try OutputCheck.folder(out)
        let report = try job.run(into: folder, identity: identity, started: started, progress: Progress(unit: "windows", enabled: !quiet))
        if !quiet { print(report.summary(out: out, seconds: Date().timeIntervalSince(started))) }
    }
}
