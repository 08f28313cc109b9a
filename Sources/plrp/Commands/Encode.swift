import ArgumentParser
import Foundation
import Pipeline

/// `plrp encode`: one-hot arrays per window, for checks and interop.
struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one-hot windows ([N, 4, L] float32, channels A,C,G,T) and their coordinates.",
        discussion: """
        Writes DIR/ohe.npz (key arr_0), DIR/windows.bed (row i = window i, input order) and DIR/manifest.json. \
        With -o - the array is streamed to stdout as a bare .npy (genome windows only).
        """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .shortAndLong, help: "Output folder, or - for a .npy stream on stdout.")
    var out: String

    @Flag(help: "No summary line on stderr.")
    var quiet = false

    func run() throws {
        Interruption.watch(out)
        let report = try EncodeJob(input: input.inputDescription).run(out: out)
        if !quiet && out != "-" {
            Console.note(String(format: "encoded %d windows of %d bp (%d bases) in %.2f s → %@", report.windows, report.length,
                                report.bases, report.seconds, out))
        }
    }
}
