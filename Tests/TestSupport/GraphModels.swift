import Model

/// Small graph architectures for tests, written as version-2 documents so that parsing is exercised too.
public enum GraphModels {
    /// BPNet's shape in miniature: a wide conv, dilated residual convs `x = x + relu(conv(x))`, a profile head
    /// `conv → crop` and a counts head `mean over the cropped range (± the profile conv's reach) → dense`.
    public static func bpnetJSON(length: Int = 96, filters: Int = 8, layers: Int = 3, trimming: Int = 24) -> String {
        var nodes: [String] = [
            #"{"type": "conv1d", "name": "iconv", "inputs": ["input"], "in_channels": 4, "out_channels": \#(filters), "kernel_size": 9, "padding": 4}"#,
            #"{"type": "relu", "name": "irelu", "inputs": ["iconv"]}"#,
        ]
        var last = "irelu"
        for i in 0..<layers {
            let d = 1 << (i + 1)
            nodes.append(#"{"type": "conv1d", "name": "rconv\#(i)", "inputs": ["\#(last)"], "in_channels": \#(filters), "out_channels": \#(filters), "kernel_size": 3, "padding": \#(d), "dilation": \#(d)}"#)
            nodes.append(#"{"type": "relu", "name": "rrelu\#(i)", "inputs": ["rconv\#(i)"]}"#)
            nodes.append(#"{"type": "add", "name": "add\#(i)", "inputs": ["\#(last)", "rrelu\#(i)"]}"#)
            last = "add\(i)"
        }
        nodes += [
            #"{"type": "conv1d", "name": "fconv", "inputs": ["\#(last)"], "in_channels": \#(filters), "out_channels": 2, "kernel_size": 7, "padding": 3}"#,
            #"{"type": "crop", "name": "crop", "inputs": ["fconv"], "start": \#(trimming), "end": \#(length - trimming)}"#,
            #"{"type": "mean", "name": "mean", "inputs": ["\#(last)"], "start": \#(trimming - 3), "end": \#(length - trimming + 3)}"#,
            #"{"type": "dense", "name": "linear", "inputs": ["mean"], "in_features": \#(filters), "out_features": 1}"#,
        ]
        return #"{"input": {"alphabet": "ACGT", "length": \#(length)}, "nodes": [\#(nodes.joined(separator: ", "))], "heads": [{"name": "profile", "node": "crop"}, {"name": "counts", "node": "linear"}], "output_activation": "none"}"#
    }

    /// Two conv branches on the input with batch norms and GELU, concatenated, pooled, and a residual block.
    public static func branchesJSON(length: Int = 40) -> String {
        """
        {"input": {"alphabet": "ACGT", "length": \(length)}, "output_activation": "sigmoid",
         "nodes": [
          {"type": "conv1d", "name": "a", "inputs": ["input"], "in_channels": 4, "out_channels": 4, "kernel_size": 5, "padding": "same"},
          {"type": "batchnorm1d", "name": "a_bn", "inputs": ["a"], "num_features": 4},
          {"type": "gelu", "name": "a_act", "inputs": ["a_bn"]},
          {"type": "conv1d", "name": "b", "inputs": ["input"], "in_channels": 4, "out_channels": 3, "kernel_size": 3, "padding": "same"},
          {"type": "leaky_relu", "name": "b_act", "inputs": ["b"], "negative_slope": 0.1},
          {"type": "concat", "name": "cat", "inputs": ["a_act", "b_act"]},
          {"type": "maxpool1d", "name": "pool", "inputs": ["cat"], "kernel_size": 2},
          {"type": "conv1d", "name": "r", "inputs": ["pool"], "in_channels": 7, "out_channels": 7, "kernel_size": 3, "padding": "same"},
          {"type": "batchnorm1d", "name": "r_bn", "inputs": ["r"], "num_features": 7},
          {"type": "gelu", "name": "r_act", "inputs": ["r_bn"], "approximate": "tanh"},
          {"type": "add", "name": "res", "inputs": ["pool", "r_act"]},
          {"type": "sum", "name": "total", "inputs": ["res"], "start": 2, "end": 18},
          {"type": "identity", "name": "same", "inputs": ["total"]},
          {"type": "dense", "name": "out", "inputs": ["same"], "in_features": 7, "out_features": 2}
         ],
         "heads": [{"name": "task", "node": "out", "outputs": ["t0", "t1"]}]}
        """
    }

    /// A model from `json` with seeded weights; batch norms get non-trivial statistics so folding them matters.
    public static func model(_ json: String, seed: UInt64 = 3) throws -> Network {
        let initial = try ModelBuilder.initialised(try Architecture(json: json), seed: seed)
        var random = SeededRandom(seed: seed + 100)
        let layers = initial.layers.map { layer -> Layer in
            guard let norm = layer as? BatchNorm1d else { return layer }
            let c = norm.spec.numFeatures
            func values(_ low: Float, _ high: Float) -> Tensor {
                Tensor(shape: [c], values: (0..<c).map { _ in random.uniform(low, high) })
            }
            return BatchNorm1d(spec: norm.spec, weight: values(0.5, 1.5), bias: values(-0.3, 0.3),
                               runningMean: values(-0.5, 0.5), runningVar: values(0.2, 2))
        }
        return try Network(architecture: initial.architecture, layers: layers)
    }

    /// `count` random one-hot windows `[count, 4, length]`.
    public static func oneHot(count: Int, length: Int, seed: UInt64 = 9) -> Tensor {
        var random = SeededRandom(seed: seed)
        var values = [Float](repeating: 0, count: count * 4 * length)
        for i in 0..<count {
            for t in 0..<length { values[i * 4 * length + Int(random.next() % 4) * length + t] = 1 }
        }
        return Tensor(shape: [count, 4, length], values: values)
    }
}
