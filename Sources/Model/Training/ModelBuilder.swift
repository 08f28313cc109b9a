import Foundation

/// New models: parameters initialised as PyTorch does by default (uniform ±1/√fan_in for conv and dense weights and
/// biases; batch normalisation at identity), from a seed.
public enum ModelBuilder {
    public static func initialised(_ architecture: Architecture, seed: UInt64) throws -> Network {
        var random = SeededRandom(seed: seed)
        func uniform(_ shape: [Int], bound: Float) -> Tensor {
            Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in random.uniform(-bound, bound) })
        }
        var layers: [Layer] = []
        for spec in architecture.layers {
            switch spec.kind {
            case .conv1d:
                let bound = 1 / Float(spec.inChannels * spec.kernelSize).squareRoot()
                layers.append(Conv1d(spec: spec, weight: uniform([spec.outChannels, spec.inChannels, spec.kernelSize], bound: bound),
                                     bias: spec.bias ? uniform([spec.outChannels], bound: bound) : nil))
            case .dense:
                let bound = 1 / Float(spec.inFeatures).squareRoot()
                layers.append(Dense(spec: spec, weight: uniform([spec.outFeatures, spec.inFeatures], bound: bound),
                                    bias: spec.bias ? uniform([spec.outFeatures], bound: bound) : nil))
            case .batchnorm1d:
                let c = spec.numFeatures
                layers.append(BatchNorm1d(spec: spec, weight: Tensor(shape: [c], values: Array(repeating: 1, count: c)),
                                          bias: Tensor(zeros: [c]), runningMean: Tensor(zeros: [c]),
                                          runningVar: Tensor(shape: [c], values: Array(repeating: 1, count: c))))
            default:
                layers.append(try ModelFile.makeParameterFree(spec))
            }
        }
        return try Network(architecture: architecture, layers: layers)
    }

    /// The default DNA architecture (documented in the README): three convolutions with ReLU, max pooling between
    /// them while the sequence is long enough, a global max pool, dropout and a dense head, for any input length
    /// and any number of tasks.
    public static func defaultArchitecture(inputLength: Int, outputs: [String], activation: OutputActivation) -> Architecture {
        var layers: [LayerSpec] = []
        var length = inputLength
        var channels = 4
        func conv(_ out: Int, _ kernel: Int) {
            var spec = LayerSpec(kind: .conv1d, name: String(layers.count))
            spec.inChannels = channels
            spec.outChannels = out
            spec.kernelSize = kernel
            spec.padding = .same
            layers.append(spec)
            layers.append(LayerSpec(kind: .relu, name: String(layers.count)))
            channels = out
        }
        func pool() {
            guard length >= 32 else { return }
            var spec = LayerSpec(kind: .maxpool1d, name: String(layers.count))
            spec.kernelSize = 4
            spec.stride = 4
            layers.append(spec)
            length = (length - 4) / 4 + 1
        }
        conv(64, 15)
        pool()
        conv(64, 7)
        pool()
        conv(64, 5)
        layers.append(LayerSpec(kind: .globalMaxPool, name: String(layers.count)))
        var dropout = LayerSpec(kind: .dropout, name: String(layers.count))
        dropout.dropout = 0.1
        layers.append(dropout)
        var dense = LayerSpec(kind: .dense, name: String(layers.count))
        dense.inFeatures = channels
        dense.outFeatures = outputs.count
        layers.append(dense)
        return Architecture(inputLength: inputLength, layers: layers, outputs: outputs, outputActivation: activation)
    }
}
