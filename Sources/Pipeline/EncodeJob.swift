import Encoding
import Foundation
import GenomeIO
import Tracks

/// One-hot windows ([N, 4, L] float32, channels A, C, G, T) and their coordinates, as `plrp encode` writes them.
public struct EncodeJob {
    public var input: InputDescription
    public static let batchSize = 256

    public init(input: InputDescription) { self.input = input }

    /// What was encoded.
    public struct Report {
        public let windows: Int
        public let length: Int
        public let bases: Int
        public let seconds: Double
    }

    /// Encodes into the folder `out` (ohe.npz, windows.bed, manifest.json, appearing when complete), or with `-` streams
    /// a bare .npy to stdout (genome windows only, whose count is known up front).
    public func run(out: String) throws -> Report {
        let started = Date()
        let sequences = try SequenceInput(input, defaultWindow: nil)
        let encoder = OneHotEncoder(policy: input.iupac)
        let length = sequences.windowLength
        var values: [Float] = []
        values.reserveCapacity(Self.batchSize * 4 * length)
        func encoded(_ windows: [Window], _ bases: [UInt8]) throws -> [Float] {
            values.removeAll(keepingCapacity: true)
            if let bad = encoder.encode(bases, count: windows.count, length: length, appendingTo: &values) {
                throw sequences.invalidCharacter(at: bad, windows: windows, bases: bases)
            }
            return values
        }
        var windows = 0, bases = 0
        if out == "-" {
            guard let count = sequences.knownWindowCount else {
                throw PipelineError.usage("-o - streams genome windows only; give an output folder for --bam input")
            }
            let writer = try NPYStreamWriter(standardOutputWithShape: [count, 4, length])
            try sequences.forEachBatch(size: Self.batchSize) { batch, batchBases in
                try writer.append(try encoded(batch, batchBases))
                windows += batch.count
                bases += batchBases.count
            }
            try writer.finish()
            return Report(windows: windows, length: length, bases: bases, seconds: Date().timeIntervalSince(started))
        }
        let folder = try OutputCheck.folder(out)
        let arrays = try NPZWriter(path: folder.stage("ohe.npz"), rowShape: [4, length])
        let bed = try TextFile(path: folder.stage("windows.bed"))
        let manifestPath = folder.stage("manifest.json")
        try sequences.forEachBatch(size: Self.batchSize) { batch, batchBases in
            try arrays.append(try encoded(batch, batchBases))
            for window in batch { try bed.write(sequences.bedLine(for: window)) }
            bases += batchBases.count
        }
        try arrays.finish()
        try bed.close()
        let seconds = Date().timeIntervalSince(started)
        var manifest = Manifest(command: "encode")
        manifest.parameters = input.manifestParameters(window: length)
        for file in input.inputFiles { try manifest.addInput(file) }
        manifest.results = ["windows": arrays.rows, "bases": bases]
        manifest.timings = ["total": seconds]
        try manifest.write(to: manifestPath)
        try folder.commit()
        return Report(windows: arrays.rows, length: length, bases: bases, seconds: seconds)
    }
}
