import Foundation

/// Examples for training: one-hot inputs `[count, 4, L]` and 0/1 labels `[count, tasks]`.
public struct TrainingSet: Sendable {
    public let inputs: Tensor
    public let labels: [Float]
    public let tasks: Int

    public init(inputs: Tensor, labels: [Float], tasks: Int) {
        precondition(labels.count == inputs.shape[0] * tasks, "one label row per input")
        self.inputs = inputs
        self.labels = labels
        self.tasks = tasks
    }

    public var count: Int { inputs.shape[0] }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> TrainingSet {
        let row = inputs.rowLength
        var x = [Float](), y = [Float]()
        x.reserveCapacity(indices.count * row)
        y.reserveCapacity(indices.count * tasks)
        for i in indices {
            x.append(contentsOf: inputs.values[(i * row)..<((i + 1) * row)])
            y.append(contentsOf: labels[(i * tasks)..<((i + 1) * tasks)])
        }
        return TrainingSet(inputs: Tensor(shape: [indices.count] + inputs.shape.dropFirst(), values: x), labels: y, tasks: tasks)
    }
}

public struct TrainingOptions: Sendable {
    public var epochs = 20
    public var batchSize = 64
    public var learningRate: Float = 1e-3
    public var weightDecay: Float = 0
    /// Epochs without a better validation loss before stopping.
    public var patience = 3
    public var seed: UInt64 = 1
    public var batchNormMomentum: Float = 0.1

    public init() {}
}

/// One line of the training history.
public struct EpochReport: Sendable {
    public let epoch: Int
    public let trainingLoss: Double
    public let validationLoss: Double
    /// Mean over tasks (one-vs-rest for softmax) of the validation AUROC and AUPRC.
    public let validationAUROC: Double?
    public let validationAUPRC: Double?
    public let seconds: Double
}

/// Mini-batch training with Adam, early stopping on validation loss, keeping the best epoch's model.
/// Same data, options and seed give the same model for any thread count.
public struct Trainer {
    public let options: TrainingOptions
    public let compute: Compute

    public init(options: TrainingOptions, compute: Compute) {
        self.options = options
        self.compute = compute
    }

    public func fit(_ model: Network, training: TrainingSet, validation: TrainingSet,
                    report: (EpochReport) -> Void = { _ in }) throws -> (model: Network, history: [EpochReport], bestEpoch: Int) {
        guard training.count > 0 else { throw ModelError("no training examples") }
        guard validation.count > 0 else { throw ModelError("no validation examples") }
        var layers = try model.layers.enumerated().map { index, layer -> Layer in
            guard layer is TrainableLayer || layer is JoinLayer else {
                throw ModelError("\(layer.spec.label(index)) cannot be trained")
            }
            return layer
        }
        var random = SeededRandom(seed: options.seed)
        var optimizer = Adam(learningRate: options.learningRate, weightDecay: options.weightDecay)
        var best = model, bestLoss = Double.infinity, bestEpoch = 0
        var history: [EpochReport] = []
        var order = Array(0..<training.count)
        for epoch in 1...max(options.epochs, 1) {
            let started = Date()
            random.shuffle(&order)
            var lossSum = 0.0
            for start in stride(from: 0, to: order.count, by: options.batchSize) {
                let batch = training.subset(Array(order[start..<min(start + options.batchSize, order.count)]))
                lossSum += step(&layers, batch: batch, model: model, optimizer: &optimizer, random: &random) * Double(batch.count)
            }
            let current = try Network(architecture: model.architecture, layers: layers)
            let (validationLoss, auroc, auprc) = evaluate(current, on: validation)
            let line = EpochReport(epoch: epoch, trainingLoss: lossSum / Double(training.count), validationLoss: validationLoss,
                                   validationAUROC: auroc, validationAUPRC: auprc, seconds: Date().timeIntervalSince(started))
            history.append(line)
            report(line)
            if validationLoss < bestLoss {
                bestLoss = validationLoss
                best = current
                bestEpoch = epoch
            } else if epoch - bestEpoch >= options.patience {
                break
            }
        }
        return (best, history, bestEpoch)
    }

    /// One mini-batch: forward in training mode, loss, backward through the graph, Adam. Returns the batch loss.
    /// Scalar heads are trained (side by side, as the labels' columns); nodes that read only the sequence compute no
    /// input gradient, which nobody reads.
    private func step(_ layers: inout [Layer], batch: TrainingSet, model: Network,
                      optimizer: inout Adam, random: inout SeededRandom) -> Double {
        var activations = [batch.inputs]
        var caches: [TrainingCache] = []
        for (index, layer) in layers.enumerated() {
            let inputs = model.nodes[index].inputs
            if let join = layer as? JoinLayer {
                activations.append(join.forward(inputs.map { activations[$0] }))
                caches.append(TrainingCache())
                continue
            }
            let (y, cache) = (layer as! TrainableLayer).trainingForward(activations[inputs[0]], compute: compute, random: &random)
            activations.append(y)
            caches.append(cache)
        }
        let heads = model.scalarHeads
        let logits = heads.count == 1 ? activations[heads[0].slot] : Self.sideBySide(heads.map { activations[$0.slot] })
        let (loss, logitGradient) = Loss.evaluate(logits: logits, labels: batch.labels,
                                                  activation: model.architecture.outputActivation)
        var gradients = [Tensor?](repeating: nil, count: activations.count)
        if heads.count == 1 {
            gradients[heads[0].slot] = logitGradient
        } else {
            for (head, part) in zip(heads, Self.split(logitGradient, widths: heads.map { $0.shape[0] })) {
                gradients[head.slot] = gradients[head.slot].map { $0.adding(part) } ?? part
            }
        }
        var parameterGradients = [[Tensor]](repeating: [], count: layers.count)
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let node = model.nodes[i]
            guard let gradient = gradients[i + 1] else {
                parameterGradients[i] = (layers[i] as? TrainableLayer)?.trainableParameters.map { Tensor(zeros: $0.shape) } ?? []
                continue
            }
            gradients[i + 1] = nil
            func send(_ g: Tensor, to slot: Int) {
                gradients[slot] = gradients[slot].map { $0.adding(g) } ?? g
            }
            if let join = layers[i] as? JoinLayer {
                for (slot, part) in zip(node.inputs, join.backward(inputs: node.inputs.map { activations[$0] }, outputGradient: gradient)) {
                    send(part, to: slot)
                }
                continue
            }
            let layer = layers[i] as! TrainableLayer
            if node.inputs == [0] {
                parameterGradients[i] = layer.parameterGradients(input: activations[0], output: activations[i + 1],
                                                                 cache: caches[i], outputGradient: gradient, compute: compute)
            } else {
                let result = layer.backward(input: activations[node.inputs[0]], output: activations[i + 1], cache: caches[i],
                                            outputGradient: gradient, compute: compute)
                parameterGradients[i] = result.parameters
                send(result.input, to: node.inputs[0])
            }
        }
        var parameters = layers.flatMap { ($0 as? TrainableLayer)?.trainableParameters ?? [] }
        optimizer.update(&parameters, gradients: parameterGradients.flatMap { $0 })
        var offset = 0
        for i in layers.indices {
            guard let layer = layers[i] as? TrainableLayer else { continue }
            let count = layer.trainableParameters.count
            layers[i] = layer.updated(parameters: Array(parameters[offset..<(offset + count)]), cache: caches[i],
                                      momentum: options.batchNormMomentum)
            offset += count
        }
        return loss
    }

    /// Scalar head outputs `[N, k_h]` joined into `[N, Σ k_h]`.
    static func sideBySide(_ parts: [Tensor]) -> Tensor {
        let n = parts[0].shape[0], width = parts.reduce(0) { $0 + $1.shape[1] }
        var out = Tensor(overwrittenShape: [n, width])
        var column = 0
        for part in parts {
            let k = part.shape[1]
            for i in 0..<n { for j in 0..<k { out.values[i * width + column + j] = part.values[i * k + j] } }
            column += k
        }
        return out
    }

    /// The inverse of `sideBySide`.
    static func split(_ joined: Tensor, widths: [Int]) -> [Tensor] {
        let n = joined.shape[0], width = joined.shape[1]
        var column = 0
        return widths.map { k in
            var part = Tensor(overwrittenShape: [n, k])
            for i in 0..<n { for j in 0..<k { part.values[i * k + j] = joined.values[i * width + column + j] } }
            column += k
            return part
        }
    }

    /// Validation loss, and mean AUROC / AUPRC over tasks.
    public func evaluate(_ model: Network, on data: TrainingSet) -> (loss: Double, auroc: Double?, auprc: Double?) {
        var lossSum = 0.0
        var scores = [[Float]](repeating: [], count: data.tasks)
        var labels = [[Bool]](repeating: [], count: data.tasks)
        for start in stride(from: 0, to: data.count, by: 512) {
            let batch = data.subset(Array(start..<min(start + 512, data.count)))
            let logits = model.logits(batch.inputs, compute: compute)
            lossSum += Loss.evaluate(logits: logits, labels: batch.labels, activation: model.architecture.outputActivation).loss
                * Double(batch.count)
            let probabilities = model.probabilities(fromLogits: logits)
            for i in 0..<batch.count {
                for t in 0..<data.tasks {
                    scores[t].append(probabilities.values[i * data.tasks + t])
                    labels[t].append(batch.labels[i * data.tasks + t] > 0.5)
                }
            }
        }
        let aurocs = (0..<data.tasks).compactMap { BinaryMetrics.auroc(scores: scores[$0], labels: labels[$0]) }
        let auprcs = (0..<data.tasks).compactMap { BinaryMetrics.auprc(scores: scores[$0], labels: labels[$0]) }
        return (lossSum / Double(data.count),
                aurocs.isEmpty ? nil : aurocs.reduce(0, +) / Double(aurocs.count),
                auprcs.isEmpty ? nil : auprcs.reduce(0, +) / Double(auprcs.count))
    }
}
