import Model
import Tracks

/// An ONNX model converted into a plrp model file, as `plrp model import` does it.
public struct ModelImport {
    public var onnx: String
    /// The input length, when the graph leaves it open.
    public var inputLength: Int?
    /// Names of the scalar outputs in head order; nil for the importer's defaults.
    public var outputNames: [String]?
    /// An output activation overriding what the graph ends with.
    public var outputActivation: OutputActivation?

    public init(onnx: String) { self.onnx = onnx }

    /// Imports the model and writes it to `out` (appearing only when complete); returns it.
    public func run(out: String) throws -> Network {
        var model = try ONNXImporter(inputLength: inputLength, outputNames: outputNames).importModel(path: onnx)
        if let outputActivation {
            var architecture = model.architecture
            architecture.outputActivation = outputActivation
            model = try Network(architecture: architecture, layers: model.layers)
        }
        let file = try OutputFile(path: out)
        guard file.stagingPath != nil else { throw PipelineError.usage("-o must name a file") }
        try file.write(ModelFile.encode(model))
        try file.commit()
        return model
    }
}
