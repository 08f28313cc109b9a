import Foundation
import ArgumentParser
import Encoding
import GenomeIO
import Pipeline

extension EdgePolicy: ExpressibleByArgument {}
extension IUPACPolicy: ExpressibleByArgument {}

/// Where sequence comes from; shared by every command that reads sequence.
struct InputOptions: ParsableArguments {
    @Option(help: "Reference genome, FASTA (plain or BGZF); .fai/.gzi are built when missing.")
    var fasta: String?

    @Option(help: "Aligned reads, BAM or CRAM (indexed); each read is one window.")
    var bam: String?

    @Option(help: "FASTA of ready windows: each record is one window, its length must equal the window length; names are kept.")
    var sequences: String?

    @Option(help: "Reference FASTA for CRAM input.")
    var reference: String?

    @Option(name: .customLong("region"),
            help: "Region in samtools syntax, 1-based inclusive (chr, chr:beg-end, {name}:beg-end); repeatable.")
    var regionTexts: [String] = []

    @Option(name: .customLong("regions"), help: "BED or narrowPeak file of regions (0-based half-open).")
    var regionsFile: String?

    @Option(help: "Window length in bases.")
    var window: Int?

    @Option(help: "Distance between window starts (default: the window length).")
    var step: Int?

    @Option(help: "At region ends: 'pad' adds windows until every base is covered (N past contig ends); 'skip' keeps only windows inside the region.")
    var edges: EdgePolicy = .pad

    @Option(help: "Encoding of N and IUPAC ambiguity codes: 'zero' (all-zero column) or 'fractional' (R = 0.5 A + 0.5 G, N = 0.25 each).")
    var iupac: IUPACPolicy = .zero

    @Option(help: "BAM: minimum mapping quality.")
    var minMapq: Int = 10

    @Option(help: "BAM: skip reads with any of these flag bits (samtools -F; decimal or 0x hex). Default: unmapped, secondary, QC-fail, duplicate, supplementary.")
    var excludeFlags: String = "0xF04"

    @Option(help: "BAM: keep only reads with all of these flag bits (samtools -f).")
    var requireFlags: String = "0"

    @Option(help: "Worker threads (default: every core; results do not depend on it).")
    var threads: Int = everyCore

    func validate() throws {
        let sources = [fasta, bam, sequences].compactMap { $0 }.count
        if sources == 0 { throw ValidationError("give the sequence input with --fasta, --bam or --sequences") }
        if sources > 1 { throw ValidationError("--fasta, --bam and --sequences cannot be combined") }
        if sequences != nil && (!regionTexts.isEmpty || regionsFile != nil) {
            throw ValidationError("--region/--regions do not apply to --sequences (each record is one window)")
        }
        if let window, window <= 0 { throw ValidationError("--window must be a positive number of bases, got \(window)") }
        if let step, step <= 0 { throw ValidationError("--step must be a positive number of bases, got \(step)") }
        if threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if minMapq < 0 { throw ValidationError("--min-mapq must be 0 or more, got \(minMapq)") }
        if reference != nil && bam == nil { throw ValidationError("--reference is for CRAM input given with --bam") }
        _ = try Self.flags(excludeFlags, option: "--exclude-flags")
        _ = try Self.flags(requireFlags, option: "--require-flags")
    }

    /// The input as the library takes it.
    var inputDescription: InputDescription {
        let source: InputDescription.Source
        if let sequences { source = .sequences(sequences) } else if let bam { source = .bam(bam, reference: reference) } else { source = .fasta(fasta ?? "") }
        var description = InputDescription(source)
        description.regions = regionTexts
        description.regionsFile = regionsFile
        description.window = window
        description.step = step
        description.edges = edges
        description.iupac = iupac
        description.minMappingQuality = minMapq
        description.excludeFlags = excludeFlags
        description.requireFlags = requireFlags
        return description
    }

    static func flags(_ text: String, option: String) throws -> UInt16 {
        do {
            return try InputDescription.flags(text, option: option)
        } catch let error as PipelineError {
            throw ValidationError(error.message)
        }
    }
}
