import Foundation

/// Model files (docs/formats.md): safetensors with PyTorch `state_dict` names and the architecture in `__metadata__`.
/// Chains are written as format_version 1 (which every plrp reads), graphs as format_version 2.
public enum ModelFile {
    public static let format = "plrp-model"
    public static let formatVersion = "1"
    public static let graphFormatVersion = "2"

    /// Reads and checks a model file: metadata, architecture, every tensor's presence, dtype, shape and finiteness.
    public static func load(path: String) throws -> Network {
        try load(SafeTensors(path: path), path: path)
    }

    /// Reads and checks a model file held in memory; `path` only names it in messages.
    public static func load(data: Data, path: String) throws -> Network {
        try load(SafeTensors(data: data, path: path), path: path)
    }

    private static func load(_ file: SafeTensors, path: String) throws -> Network {
        guard file.metadata["format"] == format else {
            throw ModelError("'\(path)': not a plrp model (__metadata__ format is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"), expected '\(format)')")
        }
        let version = file.metadata["format_version"]
        guard version == formatVersion || version == graphFormatVersion else {
            throw ModelError("'\(path)': unsupported format_version \(version ?? "missing") (this plrp reads \(formatVersion) and \(graphFormatVersion))")
        }
        guard let json = file.metadata["architecture"] else { throw ModelError("'\(path)': __metadata__ has no architecture") }
        let architecture: Architecture
        do {
            architecture = try Architecture(json: json)
        } catch let error as ModelError {
            throw ModelError("'\(path)': \(error.message)")
        }
        guard architecture.isGraph == (version == graphFormatVersion) else {
            throw ModelError("'\(path)': format_version \(version!) holds \(version == formatVersion ? "a chain ('layers')" : "a graph ('nodes')"), but the architecture has \(architecture.isGraph ? "'nodes'" : "'layers'")")
        }
        var used = Set<String>()
        func tensor(_ spec: LayerSpec, _ index: Int, _ suffix: String, _ shape: [Int]) throws -> Tensor {
            let name = "\(spec.name).\(suffix)"
            let place = architecture.isGraph ? spec.nodeLabel : spec.label(index)
            guard let t = try file.float32(name) else {
                throw ModelError("'\(path)': \(place): missing tensor '\(name)'")
            }
            guard t.shape == shape else {
                throw ModelError("'\(path)': \(place): tensor '\(name)' has shape \(t.shape), expected \(shape)")
            }
            if let bad = t.values.firstIndex(where: { !$0.isFinite }) {
                throw ModelError("'\(path)': \(place): tensor '\(name)' holds a non-finite value (\(t.values[bad])) at element \(bad)")
            }
            used.insert(name)
            return t
        }
        var layers: [Layer] = []
        for (index, spec) in architecture.layers.enumerated() {
            switch spec.kind {
            case .conv1d:
                layers.append(Conv1d(spec: spec,
                                     weight: try tensor(spec, index, "weight", [spec.outChannels, spec.inChannels, spec.kernelSize]),
                                     bias: spec.bias ? try tensor(spec, index, "bias", [spec.outChannels]) : nil))
            case .dense:
                layers.append(Dense(spec: spec, weight: try tensor(spec, index, "weight", [spec.outFeatures, spec.inFeatures]),
                                    bias: spec.bias ? try tensor(spec, index, "bias", [spec.outFeatures]) : nil))
            case .batchnorm1d:
                let c = [spec.numFeatures]
                let variance = try tensor(spec, index, "running_var", c)
                if let negative = variance.values.firstIndex(where: { $0 < 0 }) {
                    throw ModelError("'\(path)': \(spec.label(index)): running_var is negative at channel \(negative)")
                }
                layers.append(BatchNorm1d(spec: spec, weight: try tensor(spec, index, "weight", c),
                                          bias: try tensor(spec, index, "bias", c),
                                          runningMean: try tensor(spec, index, "running_mean", c), runningVar: variance))
            default:
                layers.append(try makeParameterFree(spec))
            }
        }
        let unused = file.entries.keys.filter { !used.contains($0) && !$0.hasSuffix(".num_batches_tracked") }.sorted()
        if let first = unused.first {
            throw ModelError("'\(path)': tensor '\(first)' belongs to no layer of the architecture\(unused.count > 1 ? " (and \(unused.count - 1) more)" : "")")
        }
        do {
            return try Network(architecture: architecture, layers: layers)
        } catch let error as ModelError {
            throw ModelError("'\(path)': \(error.message)")
        }
    }

    /// The layer object for a type without tensors.
    public static func makeParameterFree(_ spec: LayerSpec) throws -> Layer {
        switch spec.kind {
        case .relu, .elu, .exp, .sigmoid, .tanh, .softplus, .dropout, .gelu, .leakyRelu, .identity: return Elementwise(spec: spec)
        case .maxpool1d, .avgpool1d: return Pool1d(spec: spec)
        case .globalMaxPool, .globalAvgPool: return GlobalPool(spec: spec)
        case .flatten: return Flatten(spec: spec)
        case .add: return Add(spec: spec)
        case .concat: return Concat(spec: spec)
        case .crop, .mean, .sum: return LengthRange(spec: spec)
        case .conv1d, .dense, .batchnorm1d: throw ModelError("\(spec.kind.rawValue) layer \"\(spec.name)\" needs tensors")
        }
    }

    /// The file's bytes for a model.
    public static func encode(_ model: Network) -> Data {
        var tensors: [(String, Tensor)] = []
        for layer in model.layers {
            for (suffix, tensor) in layer.parameters { tensors.append(("\(layer.spec.name).\(suffix)", tensor)) }
        }
        return SafeTensors.encode(tensors: tensors, metadata: [
            "format": format, "format_version": model.architecture.isGraph ? graphFormatVersion : formatVersion,
            "architecture": model.architecture.json(),
        ])
    }
}
