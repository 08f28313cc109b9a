/// Collects layers while importing, tracking the per-item shape so each node can be checked as it is added.
struct ChainBuilder {
    var layers: [Layer] = []
    var shape: [Int] = []
    /// Set after an ONNX global pool that keeps a length-1 axis: our global pools drop it, so the next
    /// Flatten/Squeeze/Reshape has nothing left to do.
    private var droppedAxis = false

    private var nextName: String { String(layers.count) }

    private mutating func add(_ layer: Layer, label: String) throws {
        do {
            shape = try layer.outputShape(for: shape)
        } catch let error as ModelError {
            throw ModelError("\(label): \(error.message)")
        }
        layers.append(layer)
        droppedAxis = false
    }

    mutating func conv(_ node: Onnx_NodeProto, label: String, weight: Tensor, bias: Tensor?, attributes: ONNXAttributes) throws {
        guard weight.shape.count == 3 else { throw ModelError("\(label): weight must be [out, in, kernel]") }
        guard (attributes.int("group") ?? 1) == 1 else { throw ModelError("\(label): grouped convolutions are not supported") }
        var spec = LayerSpec(kind: .conv1d, name: nextName)
        spec.outChannels = weight.shape[0]
        spec.inChannels = weight.shape[1]
        spec.kernelSize = weight.shape[2]
        spec.stride = attributes.ints("strides")?.first ?? 1
        spec.dilation = attributes.ints("dilations")?.first ?? 1
        spec.bias = bias != nil
        let total = spec.dilation * (spec.kernelSize - 1)
        switch attributes.string("auto_pad") ?? "NOTSET" {
        case "SAME_UPPER":
            spec.padding = .same
        case "SAME_LOWER" where total % 2 == 0:
            spec.padding = .same
        case "VALID":
            spec.padding = .valid
        case "NOTSET":
            let pads = attributes.ints("pads") ?? [0, 0]
            guard pads.count == 2 else { throw ModelError("\(label): pads must have 2 entries") }
            if pads[0] == pads[1] {
                spec.padding = pads[0] == 0 ? .valid : .explicit(pads[0])
            } else if spec.stride == 1, pads[0] == total / 2, pads[1] == total - total / 2 {
                spec.padding = .same
            } else {
                throw ModelError("\(label): asymmetric pads \(pads) are not supported")
            }
        default:
            throw ModelError("\(label): auto_pad '\(attributes.string("auto_pad")!)' is not supported")
        }
        if spec.padding == .same && spec.stride != 1 { throw ModelError("\(label): 'same' padding needs stride 1") }
        if let bias, bias.count != spec.outChannels { throw ModelError("\(label): bias has \(bias.count) values for \(spec.outChannels) channels") }
        try add(Conv1d(spec: spec, weight: weight, bias: bias.map { Tensor(shape: [$0.count], values: $0.values) }), label: label)
    }

    mutating func batchNorm(label: String, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor, epsilon: Double) throws {
        var spec = LayerSpec(kind: .batchnorm1d, name: nextName)
        spec.numFeatures = scale.count
        spec.eps = epsilon
        guard [bias.count, mean.count, variance.count].allSatisfy({ $0 == scale.count }) else {
            throw ModelError("\(label): scale, bias, mean and variance differ in size")
        }
        func flat(_ t: Tensor) -> Tensor { Tensor(shape: [t.count], values: t.values) }
        try add(BatchNorm1d(spec: spec, weight: flat(scale), bias: flat(bias), runningMean: flat(mean), runningVar: flat(variance)), label: label)
    }

    mutating func simple(_ kind: LayerKind, label: String) throws {
        try add(Elementwise(spec: LayerSpec(kind: kind, name: nextName)), label: label)
    }

    mutating func pool(_ kind: LayerKind, label: String, attributes: ONNXAttributes) throws {
        guard let kernel = attributes.ints("kernel_shape")?.first else { throw ModelError("\(label): missing kernel_shape") }
        guard (attributes.ints("pads") ?? [0, 0]).allSatisfy({ $0 == 0 }), (attributes.int("ceil_mode") ?? 0) == 0,
              (attributes.ints("dilations") ?? [1]) == [1] else {
            throw ModelError("\(label): pooling with padding, ceil_mode or dilation is not supported")
        }
        guard shape.count == 2 else { throw ModelError("\(label): pooling needs a [channels, length] input") }
        if kernel == shape[1] {
            try globalPool(kind == .maxpool1d ? .globalMaxPool : .globalAvgPool, label: label, keepsAxis: true)
            return
        }
        var spec = LayerSpec(kind: kind, name: nextName)
        spec.kernelSize = kernel
        spec.stride = attributes.ints("strides")?.first ?? kernel
        try add(Pool1d(spec: spec), label: label)
    }

    mutating func globalPool(_ kind: LayerKind, label: String, keepsAxis: Bool) throws {
        try add(GlobalPool(spec: LayerSpec(kind: kind, name: nextName)), label: label)
        droppedAxis = keepsAxis
    }

    mutating func flatten(label: String) throws {
        if droppedAxis || shape.count == 1 {
            droppedAxis = false
            return
        }
        try add(Flatten(spec: LayerSpec(kind: .flatten, name: nextName)), label: label)
    }

    mutating func squeezeLengthAxis(label: String) throws {
        guard droppedAxis else { throw ModelError("\(label): Squeeze is supported only after a global pool") }
        droppedAxis = false
    }

    mutating func dense(label: String, weight: Tensor, bias: Tensor?) throws {
        guard weight.shape.count == 2 else { throw ModelError("\(label): weight must be 2-D") }
        var spec = LayerSpec(kind: .dense, name: nextName)
        spec.outFeatures = weight.shape[0]
        spec.inFeatures = weight.shape[1]
        spec.bias = bias != nil
        if let bias, bias.count != spec.outFeatures { throw ModelError("\(label): bias has \(bias.count) values for \(spec.outFeatures) outputs") }
        try add(Dense(spec: spec, weight: weight, bias: bias.map { Tensor(shape: [$0.count], values: $0.values) }), label: label)
    }
}
