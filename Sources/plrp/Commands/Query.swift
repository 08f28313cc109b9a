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
        Without --results, explains the region on the spot, in memory (the shipped model and genome unless --model/--fasta
        are given; PLRP-λ p = 0.5 unless the method options say otherwise, --prune 0 for LRP; windows every --step bases from the region
        start, reaching past both ends so that every base is covered as inside a longer run; the mean over overlapping
        windows), calls seqlets on those windows and compares each seqlet's core on its own with --database (default:
        the shipped JASPAR insects), best q < 0.05. With --results DIR, answers from an earlier `plrp run`'s files
        instead: the tabix-indexed relevance.bedGraph.gz, seqlets.bed, instances.bed and matches.tsv; there a seqlet
        that belongs to one of the run's motifs carries the motif's id and the motif's best match (the run clustered
        its motifs from all its seqlets, which a single region cannot), other seqlets no match. Bases the run's
        windows never covered are NA in the table, null in JSON ("uncovered" lists them, 0-based half-open) and absent
        from the bedGraph, with a warning on stderr. Formats: table (position 1-based, base, relevance, seqlets and
        motifs covering the base), json, or bedgraph. Nothing is written to disk. The bedgraph is printed as windows
        complete, in the memory of a batch of windows; table and json need the seqlets first, whose FDR threshold
        pools every window of the region, so they keep one score per base of each window until then (about 1 GB for
        the whole of chr2R at --step 150).
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
        let query = try RegionQuery(job)
        let out = StandardOutput()
        if format == .bedgraph {
            out.write(QueryAnswer.bedGraphHeader(query.region, source: query.source))
            let contig = query.region.contig
            _ = try query.answer(relevance: false, seqlets: false) { start, end, value in
                out.write(QueryAnswer.bedGraphLine(contig, start, end, value))
            }
        } else {
            try query.answer().write(format) { out.write($0) }
        }
        out.flush()
    }
}

/// stdout, buffered in pieces of 64 kB.
final class StandardOutput {
    private var buffer = ""

    func write(_ text: String) {
        buffer += text
        if buffer.utf8.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer.utf8))
        buffer = ""
    }
}
