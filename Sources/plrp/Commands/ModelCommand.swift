import ArgumentParser
import Model
import Pipeline

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
            usage: "plrp model import <onnx> -o <model> [<options>]",
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
            var job = ModelImport(onnx: onnx)
            job.inputLength = inputLength
            job.outputNames = outputs.map { $0.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) } }
            job.outputActivation = outputActivation
            Interruption.watch(out)
            print(ModelSummary.text(try job.run(out: out), path: out), terminator: "")
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
