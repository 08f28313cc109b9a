import ArgumentParser
import Encoding
import Foundation
import GenomeIO
import Pipeline
import Tracks

/// `plrp encode`: one-hot arrays per window, for checks and interop.
struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one-hot windows ([N, 4, L] float32, channels A,C,G,T) and their coordinates.",
        discussion: """
        Writes DIR/ohe.npz (key arr_0), DIR/windows.bed (row i = window i, input order) and DIR/manifest.json.
        With -o - the array is streamed to stdout as a bare .npy (genome windows only).
        """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .shortAndLong, help: "Output folder, or - for a .npy stream on stdout.")
    var out: String

    @Flag(help: "No summary line on stderr.")
    var quiet = false

    static let batchSize = 256

    func run() throws {
        let started = Date()
        let sequences = try SequenceInput(input.inputDescription, defaultWindow: nil)
        let encoder = OneHotEncoder(policy: input.iupac)
        let length = sequences.windowLength
        var values: [Float] = []
        values.reserveCapacity(Self.batchSize * 4 * length)

        func encodeBatch(_ windows: [Window], _ bases: [UInt8]) throws -> [Float] {
            values.removeAll(keepingCapacity: true)
            if let bad = encoder.encode(bases, count: windows.count, length: length, appendingTo: &values) {
                throw sequences.invalidCharacter(at: bad, windows: windows, bases: bases)
            }
            return values
        }

        if out == "-" {
            guard let count = sequences.knownWindowCount else {
                throw UsageError("-o - streams genome windows only; give an output folder for --bam input")
            }
            let writer = try NPYStreamWriter(standardOutputWithShape: [count, 4, length])
            try sequences.forEachBatch(size: Self.batchSize) { windows, bases in
                try writer.append(try encodeBatch(windows, bases))
            }
            try writer.finish()
            return
        }

        Interruption.watch(out)
        let folder = try OutputCheck.folder(out)
        let arrays = try NPZWriter(path: folder.stage("ohe.npz"), rowShape: [4, length])
        let bed = try TextFile(path: folder.stage("windows.bed"))
        let manifestPath = folder.stage("manifest.json")
        var bases = 0
        try sequences.forEachBatch(size: Self.batchSize) { windows, batchBases in
            try arrays.append(try encodeBatch(windows, batchBases))
            for window in windows {
                try bed.write(sequences.bedLine(for: window))
            }
            bases += batchBases.count
        }
        try arrays.finish()
        try bed.close()
        let seconds = Date().timeIntervalSince(started)

        var manifest = Manifest(command: "encode")
        manifest.parameters = input.inputDescription.manifestParameters(window: length)
        for file in input.inputDescription.inputFiles { try manifest.addInput(file) }
        manifest.results = ["windows": arrays.rows, "bases": bases]
        manifest.timings = ["total": seconds]
        try manifest.write(to: manifestPath)
        try folder.commit()
        if !quiet {
            Console.note(String(format: "encoded %d windows of %d bp (%d bases) in %.2f s → %@", arrays.rows, length,
                                bases, seconds, out))
        }
    }
}
