import ArgumentParser
import Encoding
import Foundation
import GenomeIO
import Model
import Tracks

/// `plrp predict`: model outputs per window.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write model outputs per window as TSV: a header 'window' then one column per output, one row per window in input order.")

    @OptionGroup var input: InputOptions

    @Option(help: "Model file (.safetensors).")
    var model: String

    @Option(name: .shortAndLong, help: "Output TSV, or - for stdout.")
    var out: String = "-"

    @Flag(help: "Apply the model's output activation (sigmoid or softmax) instead of writing logits.")
    var probabilities = false

    @Option(help: "Windows per forward pass.")
    var batchSize: Int = 256

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
    }

    func run() throws {
        let network = try ModelFile.load(path: model)
        let sequences = try SequenceInput(input, defaultWindow: network.inputLength)
        let length = network.inputLength
        guard sequences.windowLength == length else {
            throw UsageError("--window \(sequences.windowLength) does not match the model's input length, \(length)")
        }
        let compute = Compute(threads: input.threads)
        let encoder = OneHotEncoder(policy: input.iupac)
        let output = try OutputFile(path: out)
        let table = try TextFile(output)
        try table.write((["window"] + network.outputs).joined(separator: "\t") + "\n")
        var values: [Float] = []
        try sequences.forEachBatch(size: batchSize) { windows, bases in
            values.removeAll(keepingCapacity: true)
            if let bad = encoder.encode(bases, count: windows.count, length: length, appendingTo: &values) {
                throw sequences.invalidCharacter(at: bad, windows: windows, bases: bases)
            }
            var result = network.logits(Tensor(shape: [windows.count, 4, length], values: values), compute: compute)
            if probabilities { result = network.probabilities(fromLogits: result) }
            let width = network.outputs.count
            for (i, window) in windows.enumerated() {
                var line = sequences.name(of: window)
                for j in 0..<width { line += "\t" + Self.format(result.values[i * width + j]) }
                try table.write(line + "\n")
            }
        }
        try table.close()
        try output.commit()
    }

    /// Seven significant digits: float32 precision, stable text.
    static func format(_ value: Float) -> String { String(format: "%.7g", Double(value)) }
}
