import ArgumentParser
import Foundation
import Model
import Pipeline
import Tracks

/// `plrp model`: work on model files.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect model files, or import ONNX models.",
        subcommands: [Inspect.self, Import.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert an ONNX model (torch.onnx.export, Keras via tf2onnx) into a plrp model file.",
            discussion: """
                Reads chains and graphs (residual adds, concatenations, length crops, several outputs such as BPNet's \
                profile and counts) from both PyTorch exporters (TorchScript with dynamo=False, and the torch.export-based \
                default), with weights inline or in external data files beside the .onnx file. Shape arithmetic is folded \
                for the input length. A chain of version-1 layers is written as a format_version 1 model, anything else as \
                a format_version 2 graph whose heads are the ONNX graph outputs. A final Sigmoid or Softmax on the scalar \
                outputs becomes the output activation. An unsupported node, a second graph input or unreadable external \
                data is an error naming it, and nothing is written.
                """)

        @Argument(help: "ONNX model file.")
        var onnx: String

        @Option(name: .shortAndLong, help: "Model file to write (.safetensors).")
        var out: String

        @Option(help: "Input length, when the graph leaves it open.")
        var inputLength: Int?

        @Option(help: "Names of the scalar outputs, comma-separated, in head order (default for a chain: output, or output0, output1, …; for a graph: the head's name, or HEAD.0, HEAD.1, …).")
        var outputs: String?

        @Option(help: "Output activation, overriding what the graph ends with.")
        var outputActivation: OutputActivation?

        func validate() throws {
            if let inputLength, inputLength < 1 { throw ValidationError("--input-length must be positive") }
        }

        func run() throws {
            let names = outputs.map { $0.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) } }
            var model = try ONNXImporter(inputLength: inputLength, outputNames: names).importModel(path: onnx)
            if let outputActivation {
                var architecture = model.architecture
                architecture.outputActivation = outputActivation
                model = try Network(architecture: architecture, layers: model.layers)
            }
            Interruption.watch(out)
            let file = try OutputFile(path: out)
            guard file.stagingPath != nil else { throw UsageError("-o must name a file") }
            try file.write(ModelFile.encode(model))
            try file.commit()
            print(ModelSummary.text(model, path: out), terminator: "")
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a model's layers, output shapes for its input length, parameter counts and outputs.")

        @Argument(help: "Model file (.safetensors).")
        var model: String

        func run() throws {
            let loaded = try Opening.model(model)
            print(ModelSummary.text(loaded, path: model), terminator: "")
        }
    }
}

/// The text of `plrp model inspect`.
enum ModelSummary {
    static func text(_ model: Network, path: String) -> String {
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
