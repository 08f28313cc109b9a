import Model

/// The text of `plrp model inspect`: nodes with their inputs, output shapes for the model's input length and
/// parameter counts, then heads and outputs.
public enum ModelSummary {
    public static func text(_ model: Network, path: String) -> String {
        var lines = ["model: \(path)", "input: [4, \(model.inputLength)] one-hot, channels ACGT", ""]
        let graph = model.architecture.isGraph
        var rows = [["#", "type", "name"] + (graph ? ["inputs"] : []) + ["output", "parameters", "details"]]
        func slotName(_ slot: Int) -> String { slot == 0 ? Architecture.inputName : model.nodes[slot - 1].layer.spec.name }
        for (i, node) in model.nodes.enumerated() {
            let layer = node.layer, spec = layer.spec
            let named = spec.kind.hasParameters || graph ? spec.name : ""
            rows.append(["\(i)", spec.kind.rawValue, named] + (graph ? [node.inputs.map(slotName).joined(separator: ",")] : [])
                        + ["[" + model.shapes[i + 1].map(String.init).joined(separator: ", ") + "]",
                           layer.parameterCount == 0 ? "" : "\(layer.parameterCount)", details(spec)])
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max()! }
        for row in rows {
            lines.append(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        lines.append("")
        lines.append("parameters: \(model.parameterCount)")
        if graph {
            for head in model.heads {
                let shape = "[" + head.shape.map(String.init).joined(separator: ", ") + "]"
                lines.append("head \(head.name): \(slotName(head.slot)) \(shape) "
                             + (head.isProfile ? "profile logits" : "scalar logits \(head.outputs.joined(separator: ", "))"))
            }
        }
        lines.append("outputs: \(model.outputs.joined(separator: ", ")) (logits; output activation \(model.architecture.outputActivation.rawValue))")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func details(_ spec: LayerSpec) -> String {
        switch spec.kind {
        case .conv1d:
            let padding: String
            switch spec.padding {
            case .same: padding = "same"
            case .valid: padding = "valid"
            case .explicit(let n): padding = "\(n)"
            }
            return "\(spec.inChannels)→\(spec.outChannels), kernel \(spec.kernelSize), stride \(spec.stride), dilation \(spec.dilation), padding \(padding)\(spec.bias ? "" : ", no bias")"
        case .dense: return "\(spec.inFeatures)→\(spec.outFeatures)\(spec.bias ? "" : ", no bias")"
        case .batchnorm1d: return "eps \(spec.eps)"
        case .maxpool1d, .avgpool1d: return "kernel \(spec.kernelSize), stride \(spec.stride)"
        case .dropout: return "p \(spec.dropout) (no-op at inference)"
        case .crop, .mean, .sum: return "positions \(spec.start)..<\(spec.end.map(String.init) ?? "end")"
        case .leakyRelu: return "negative slope \(spec.negativeSlope)"
        case .gelu: return spec.tanhApproximation ? "tanh approximation" : "exact (erf)"
        default: return ""
        }
    }
}
