import ArgumentParser
import Foundation
import GenomeIO
import Pipeline

extension QueryFormat: ExpressibleByArgument {}

/// `plrp query REGION`: one region's per-base relevance, seqlets and motif matches, on the spot or from a run's files.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One region, fast: per-base relevance, seqlets and motif matches, to stdout.",
        discussion: """
        Without --results, explains the region on the spot, in memory (the shipped model and genome unless --model or \
        --fasta are given; the method options as for explain, PLRP-λ p = 0.5 by default). Windows start every --step \
        bases and reach past both ends, so each base is covered as inside a longer run; the relevance is their mean. \
        Seqlets are called on those windows 4,096 at a time (the FDR null pools a block) and each core is compared on \
        its own with --database, best q < 0.05.

        With --results DIR, answers from an earlier `plrp run`'s files: the tabix-indexed relevance.bedGraph.gz, \
        seqlets.bed, instances.bed and matches.tsv. A seqlet that belongs to one of the run's motifs carries the \
        motif's id and its best match (the run clustered motifs from all its seqlets, which one region cannot), other \
        seqlets no match. Bases the run never covered are NA in the table, null in JSON (listed under "uncovered") and \
        absent from the bedGraph, with a warning.

        Formats: table (1-based position, base, relevance, seqlets and motifs covering the base), json, bedgraph. \
        The answer streams to stdout in genome order; memory holds a block of windows, not the region, and nothing is \
        written to disk.
        """)


    @Argument(help: "Region, samtools syntax (chr:beg-end, 1-based inclusive).")
    var region: String

    @Option(help: "Answer from this plrp run output folder (indexed files) instead of explaining.")
    var results: String?

    @Option(help: "Model file (default: the shipped promoter model).")
    var model: String?

    @Option(help: "Genome FASTA (default: the shipped dm3 chr2R).")
    var fasta: String?

    @Option(help: "Motif database, MEME format (default: the shipped JASPAR insects; 'none' for no matching).")
    var database: String?

    @Option(help: "Distance between window starts.")
    var step: Int = 150

    @OptionGroup(title: "Method") var method: MethodOptions

    @Option(help: "table, json or bedgraph.")
    var format: QueryFormat = .table

    @Option(help: "Worker threads (default: every core; results do not depend on it).")
    var threads: Int = everyCore

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if step < 1 { throw ValidationError("--step must be a positive number of bases, got \(step)") }
    }

    func run() throws {
        let fasta = try self.fasta ?? ShippedData.path(ShippedData.genome, instead: "--fasta")
        let model = results != nil ? (self.model ?? "") : try self.model ?? ShippedData.path(ShippedData.model, instead: "--model")
        var job = QueryJob(region: region, fasta: fasta, model: model)
        job.results = results
        job.step = step
        job.method = method.configuration
        job.threads = threads
        if database == "none" {
            job.database = nil
        } else if let database {
            job.database = database
        } else {
            job.database = try? ShippedData.path(ShippedData.database, instead: "--database")
            job.databaseIsOptional = true
        }
        let out = StandardOutput()
        try RegionQuery(job).stream(to: QueryWriter(format, output: out.write), seqlets: format != .bedgraph)
        out.flush()
    }
}
