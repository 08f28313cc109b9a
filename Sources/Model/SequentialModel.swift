import Foundation

/// A sequential CNN over one-hot DNA `[N, 4, L]`, giving logits `[N, outputs]`.
public struct SequentialModel: Sendable {
    public let architecture: Architecture
    public let layers: [Layer]
    /// Item shapes: `shapes[0]` is the input `[4, L]`, `shapes[i + 1]` the output of layer i.
    public let shapes: [[Int]]

    /// Builds the model, checking every shape from the input to the outputs.
    public init(architecture: Architecture, layers: [Layer]) throws {
        var shapes = [[4, architecture.inputLength]]
        for (index, layer) in layers.enumerated() {
            do {
                shapes.append(try layer.outputShape(for: shapes.last!))
            } catch let error as ModelError {
                throw ModelError("\(layer.spec.label(index)): \(error.message)")
            }
        }
        guard shapes.last! == [architecture.outputs.count] else {
            throw ModelError("the last layer gives \(shapes.last!) per input, but the model names \(architecture.outputs.count) output(s) \(architecture.outputs)")
        }
        self.architecture = architecture
        self.layers = layers
        self.shapes = shapes
    }

    public var inputLength: Int { architecture.inputLength }
    public var outputs: [String] { architecture.outputs }
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Items that go through all layers together on one thread. Fixed, so results do not depend on the thread count.
    public static let itemsPerChunk = 16

    /// Logits for a batch `[N, 4, L]`. Chunks of items run through the whole network on one worker each, so every
    /// layer runs in parallel and a chunk's activations stay in cache.
    public func logits(_ input: Tensor, compute: Compute) -> Tensor {
        precondition(Array(input.shape.dropFirst()) == shapes[0], "input must be [N, 4, \(inputLength)]")
        let n = input.shape[0], width = shapes.last!.reduce(1, *), row = input.rowLength
        var output = Tensor(zeros: [n] + shapes.last!)
        guard n > 0 else { return output }
        let serial = Compute(threads: 1)
        output.values.withSharedMutablePointer { out in
            input.values.withUnsafeBufferPointer { x in
                compute.forEachChunk(of: n, chunk: Self.itemsPerChunk) { items in
                    var activation = Tensor(shape: [items.count] + shapes[0],
                                            values: Array(x[(items.lowerBound * row)..<(items.upperBound * row)]))
                    var index = 0
                    while index < layers.count {
                        // ReLU then max pooling equals max pooling then ReLU, on a quarter of the values.
                        if index + 1 < layers.count, layers[index].spec.kind == .relu, layers[index + 1].spec.kind == .maxpool1d {
                            layers[index + 1].forward(inPlace: &activation, compute: serial)
                            layers[index].forward(inPlace: &activation, compute: serial)
                            index += 2
                            continue
                        }
                        layers[index].forward(inPlace: &activation, compute: serial)
                        index += 1
                    }
                    (out.base + items.lowerBound * width).update(from: activation.values, count: activation.count)
                }
            }
        }
        return output
    }

    /// Every activation: `[input, after layer 0, …, logits]`, for explanations.
    public func activations(_ input: Tensor, compute: Compute) -> [Tensor] {
        var all = [input]
        for layer in layers { all.append(layer.forward(all.last!, compute: compute)) }
        return all
    }

    /// Applies the output activation to logits `[N, outputs]`.
    public func probabilities(fromLogits logits: Tensor) -> Tensor {
        var out = logits
        let width = outputs.count
        switch architecture.outputActivation {
        case .none:
            break
        case .sigmoid:
            out.values = logits.values.map { 1 / (1 + expf(-$0)) }
        case .softmax:
            for row in 0..<logits.shape[0] {
                let slice = logits.values[(row * width)..<((row + 1) * width)]
                let top = slice.max()!
                let exps = slice.map { expf($0 - top) }
                let total = exps.reduce(0, +)
                for j in 0..<width { out.values[row * width + j] = exps[j] / total }
            }
        }
        return out
    }
}
