import Encoding
import Foundation
import Model
import Tracks

/// Model outputs per window, as `plrp predict` writes them: a TSV with a `window` column then one column per scalar
/// output, one row per window in input order, and optionally each profile head's logits in an npz.
public struct PredictJob {
    public var input: InputDescription
    public var model: String
    /// The model's output activation applied (sigmoid or softmax) instead of logits.
    public var probabilities = false
    /// An .npz for the profile heads' logits [N, C, L'], one member per head under its name.
    public var profiles: String?
    public var batchSize = 256
    public var threads = everyCore

    public init(input: InputDescription, model: String) {
        self.input = input
        self.model = model
    }

    /// Predicts every window into the TSV `out` (`-` for stdout); files appear only when complete.
    public func run(out: String) throws {
        let network = try Opening.model(model)
        let sequences = try SequenceInput(input, defaultWindow: network.inputLength)
        let length = network.inputLength
        guard sequences.windowLength == length else {
            throw PipelineError.usage("--window \(sequences.windowLength) does not match the model's input length, \(length)")
        }
        let compute = Compute(threads: threads)
        let encoder = OneHotEncoder(policy: input.iupac)
        let output = try OutputFile(path: out)
        let table = try TextFile(output)
        try table.write((["window"] + network.outputs).joined(separator: "\t") + "\n")
        let profileHeads = network.profileHeads
        if profiles != nil && profileHeads.isEmpty { throw PipelineError.usage("--profiles: the model has no profile head") }
        let profileFile = try profiles.map { try OutputFile(path: $0) }
        let profileWriter = try profileFile.map { file -> NPZWriter in
            guard let staging = file.stagingPath else { throw PipelineError.usage("--profiles must name a file") }
            return try NPZWriter(path: staging, members: profileHeads.map { ($0.name, $0.shape) })
        }
        var values: [Float] = []
        try sequences.forEachBatch(size: batchSize) { windows, bases in
            values.removeAll(keepingCapacity: true)
            if let bad = encoder.encode(bases, count: windows.count, length: length, appendingTo: &values) {
                throw sequences.invalidCharacter(at: bad, windows: windows, bases: bases)
            }
            // Scalar and profile heads from one pass through the network.
            let outputs = network.outputs(Tensor(shape: [windows.count, 4, length], values: values), profiles: profileWriter != nil,
                                          compute: compute)
            if let profileWriter {
                for (index, logits) in outputs.profiles.enumerated() { try profileWriter.append(logits.values, member: index) }
            }
            let result = probabilities ? network.probabilities(fromLogits: outputs.logits) : outputs.logits
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
    public static func format(_ value: Float) -> String { String(format: "%.7g", Double(value)) }
}
