import ArgumentParser
import Encoding
import Foundation
import GenomeIO
import Model
import Pipeline
import Tracks

/// `plrp predict`: model outputs per window.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write model outputs per window as TSV: a header 'window' then one column per scalar output, one row per window in input order.",
        discussion: "A graph model's scalar heads give one column each (HEAD, or HEAD.INDEX for a head of several values). Profile heads ([channels, length] per window) go to --profiles FILE.npz, one array per head under the head's name, rows in window order.")

    @OptionGroup var input: InputOptions

    @Option(help: "Model file (.safetensors).")
    var model: String

    @Option(name: .shortAndLong, help: "Output TSV, or - for stdout.")
    var out: String = "-"

    @Flag(help: "Apply the model's output activation (sigmoid or softmax) instead of writing logits.")
    var probabilities = false

    @Option(help: "Write each profile head's logits [N, C, L'] to this .npz, under the head's name.")
    var profiles: String?

    @Option(help: "Windows per forward pass.")
    var batchSize: Int = 256

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
    }

    func run() throws {
        let network = try Opening.model(model)
        let sequences = try SequenceInput(input.inputDescription, defaultWindow: network.inputLength)
        let length = network.inputLength
        guard sequences.windowLength == length else {
            throw UsageError("--window \(sequences.windowLength) does not match the model's input length, \(length)")
        }
        let compute = Compute(threads: input.threads)
        let encoder = OneHotEncoder(policy: input.iupac)
        Interruption.watch(out)
        if let profiles { Interruption.watch(profiles) }
        let output = try OutputFile(path: out)
        let table = try TextFile(output)
        try table.write((["window"] + network.outputs).joined(separator: "\t") + "\n")
        let profileHeads = network.profileHeads
        if profiles != nil && profileHeads.isEmpty { throw UsageError("--profiles: the model has no profile head") }
        let profileFile = try profiles.map { try OutputFile(path: $0) }
        let profileWriter = try profileFile.map { file -> NPZWriter in
            guard let staging = file.stagingPath else { throw UsageError("--profiles must name a file") }
            return try NPZWriter(path: staging, members: profileHeads.map { ($0.name, $0.shape) })
        }
        var values: [Float] = []
        try sequences.forEachBatch(size: batchSize) { windows, bases in
            values.removeAll(keepingCapacity: true)
            if let bad = encoder.encode(bases, count: windows.count, length: length, appendingTo: &values) {
                throw sequences.invalidCharacter(at: bad, windows: windows, bases: bases)
            }
            let batch = Tensor(shape: [windows.count, 4, length], values: values)
            // Scalar and profile heads from one pass through the network.
            let outputs = network.outputs(batch, profiles: profileWriter != nil, compute: compute)
            if let profileWriter {
                for (index, logits) in outputs.profiles.enumerated() { try profileWriter.append(logits.values, member: index) }
            }
            var result = outputs.logits
            if probabilities { result = network.probabilities(fromLogits: result) }
            let width = network.outputs.count
            for (i, window) in windows.enumerated() {
                var line = sequences.name(of: window)
                for j in 0..<width { line += "\t" + Self.format(result.values[i * width + j]) }
                try table.write(line + "\n")
            }
        }
        try table.close()
        try profileWriter?.finish()
        try output.commit()
        try profileFile?.commit()
    }

    /// Seven significant digits: float32 precision, stable text.
    static func format(_ value: Float) -> String { String(format: "%.7g", Double(value)) }
}
