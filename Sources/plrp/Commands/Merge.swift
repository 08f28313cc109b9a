import ArgumentParser
import Foundation
import GenomeIO
import Pipeline
import Tracks

/// `plrp merge`: shard outputs of `plrp run --shard I/N` joined into what one run writes.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the shard folders of `plrp run --shard I/N` into exactly what one run writes.",
        usage: "plrp merge <shards> ... -o <dir> [<options>]",
        discussion: """
        Checks that the folders are shards 1…N of one job (same parameters and inputs), copies their windows.bed and \
        arrays in shard order, joins the genome tracks from the shards' tracks (the bases where shards meet \
        recomputed from their edge windows), and finds motifs once: from the joined arrays, or on the joined track \
        for shards run with --arrays none. Writes the files of `plrp run` into the output folder, the same bytes as \
        one run's.
        """)

    @Argument(help: "Shard folders, in any order.")
    var shards: [String]

    @Option(help: "Motif database, MEME format (default: the shipped JASPAR 2026 CORE insects).")
    var database: String?

    @Flag(help: "Join arrays and tracks only; no motifs.")
    var noMotifs = false

    @Option(help: "Genome FASTA for the motifs of shards run with --arrays none (default: the one their manifests name).")
    var fasta: String?

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String

    @Flag(help: "No summary line.")
    var quiet = false

    func run() throws {
        let database = noMotifs ? nil : try self.database ?? ShippedData.path(ShippedData.database, instead: "--database")
        var merge = try ShardMerge(shards, motifs: database.map { MotifsJob(database: $0) })
        merge.fasta = fasta
        Interruption.watch(out)
        let summary = try merge.run(into: try OutputCheck.folder(out))
        if !quiet { Console.note(summary + " → \(out)") }
    }
}
