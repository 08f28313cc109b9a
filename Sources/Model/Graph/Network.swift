import Foundation

/// A CNN over one-hot DNA `[N, 4, L]` as a DAG of nodes, with named heads: scalar (`[N, k]` logits) or profile
/// (`[N, C, L']`). A chain of layers is the special case in which each node reads the one before it.
///
/// Values live in slots: slot 0 is the sequence input, slot `i + 1` the output of `nodes[i]`. Nodes are held in a
/// topological order (file order where that is one already), so running them in turn computes every slot.
public struct Network: Sendable {
    public struct Node: Sendable {
        public let layer: Layer
        /// The slots it reads.
        public let inputs: [Int]
    }

    /// A named output: which slot it reads, and for scalar heads where its values sit among all scalar outputs.
    public struct Head: Sendable {
        public let name: String
        public let slot: Int
        /// Per-item shape: `[k]` (scalar head) or `[C, L']` (profile head).
        public let shape: [Int]
        /// Names of the values of a scalar head (empty for a profile head).
        public let outputs: [String]
        /// Index of its first value among `Network.outputs` (scalar heads).
        public let offset: Int

        public var isProfile: Bool { shape.count == 2 }
    }

    /// The architecture with its nodes in run order: `architecture.layers[i]` describes `nodes[i]`.
    public let architecture: Architecture
    public let nodes: [Node]
    /// Item shapes per slot.
    public let shapes: [[Int]]
    public let heads: [Head]
    /// Per slot, the nodes that read it (one entry per read).
    public let consumers: [[Int]]

    /// Builds the graph from the architecture's wiring and one layer per architecture node (same order), checking
    /// names, cycles and every shape from the input to the heads.
    public init(architecture: Architecture, layers: [Layer]) throws {
        precondition(layers.count == architecture.layers.count, "one layer per architecture node")
        let specs = architecture.layers
        var slotOfName: [String: Int] = [:]
        // Inputs by position in file order (slot = position + 1 before sorting).
        var wiring: [[Int]] = []
        if architecture.isGraph {
            for (index, spec) in specs.enumerated() { slotOfName[spec.name] = index + 1 }
            for (index, spec) in specs.enumerated() {
                // No inputs: the node listed before it, or the sequence for the first.
                guard !spec.inputs.isEmpty else {
                    wiring.append([index])
                    continue
                }
                wiring.append(try spec.inputs.map { name in
                    if name == Architecture.inputName { return 0 }
                    guard let slot = slotOfName[name] else {
                        throw ModelError("\(spec.nodeLabel) reads '\(name)', which is neither a node nor '\(Architecture.inputName)'")
                    }
                    return slot
                })
            }
        } else {
            wiring = specs.indices.map { [$0] }
        }
        let order = try Self.topologicalOrder(wiring, specs: specs)
        var newSlot = [Int](repeating: 0, count: specs.count + 1)
        for (position, index) in order.enumerated() { newSlot[index + 1] = position + 1 }
        var nodes: [Node] = []
        var shapes = [[4, architecture.inputLength]]
        for (position, index) in order.enumerated() {
            let layer = layers[index], inputs = wiring[index].map { newSlot[$0] }
            let shape: [Int]
            do {
                if let join = layer as? JoinLayer {
                    shape = try join.outputShape(for: inputs.map { shapes[$0] })
                } else {
                    guard inputs.count == 1 else { throw ModelError("reads \(inputs.count) inputs; only add and concat read several") }
                    shape = try layer.outputShape(for: shapes[inputs[0]])
                }
            } catch let error as ModelError {
                let place = architecture.isGraph ? specs[index].nodeLabel : layer.spec.label(index)
                throw ModelError(error.message.hasPrefix("node '") ? error.message : "\(place): \(error.message)")
            }
            precondition(shapes.count == position + 1)
            shapes.append(shape)
            nodes.append(Node(layer: layer, inputs: inputs))
        }
        var consumers = [[Int]](repeating: [], count: shapes.count)
        for (index, node) in nodes.enumerated() { for slot in node.inputs { consumers[slot].append(index) } }

        var heads: [Head] = []
        var offset = 0
        for spec in architecture.heads {
            // A chain's one head is its last layer.
            guard let original = architecture.isGraph ? slotOfName[spec.node] : specs.count else {
                throw ModelError("head '\(spec.name)' reads '\(spec.node)', which is no node of the graph")
            }
            let slot = newSlot[original], shape = shapes[slot]
            var names: [String] = []
            if shape.count == 1 {
                names = spec.outputs.isEmpty ? (shape[0] == 1 ? [spec.name] : (0..<shape[0]).map { "\(spec.name).\($0)" }) : spec.outputs
                guard names.count == shape[0] else {
                    throw ModelError(architecture.isGraph
                        ? "head '\(spec.name)' names \(names.count) output(s), but node '\(spec.node)' gives \(shape[0]) per input"
                        : "the last layer gives \(shape) per input, but the model names \(names.count) output(s) \(names)")
                }
            } else if shape.count != 2 || !architecture.isGraph {
                throw ModelError(architecture.isGraph
                    ? "head '\(spec.name)' reads node '\(spec.node)' of shape \(shape); a head is [k] (scalar) or [channels, length] (profile)"
                    : "the last layer gives \(shape) per input, but the model names \(spec.outputs.count) output(s) \(spec.outputs)")
            } else if !spec.outputs.isEmpty {
                throw ModelError("head '\(spec.name)' is a profile [channels, length]; 'outputs' names scalar values only")
            }
            heads.append(Head(name: spec.name, slot: slot, shape: shape, outputs: names, offset: offset))
            offset += names.count
        }
        let reaching = Self.slotsReaching(heads.map(\.slot), nodes: nodes)
        if let unused = nodes.indices.first(where: { !reaching.contains($0 + 1) }) {
            throw ModelError("\(nodes[unused].layer.spec.nodeLabel) feeds no head")
        }
        if let duplicate = Dictionary(grouping: heads.flatMap(\.outputs), by: { $0 }).first(where: { $0.value.count > 1 }) {
            throw ModelError("two outputs are named '\(duplicate.key)'")
        }
        var ordered = architecture
        ordered.layers = order.map { specs[$0] }
        self.architecture = ordered
        self.nodes = nodes
        self.shapes = shapes
        self.heads = heads
        self.consumers = consumers
    }

    /// Kahn's algorithm, taking the earliest ready node in file order, so a file already in order keeps it.
    private static func topologicalOrder(_ wiring: [[Int]], specs: [LayerSpec]) throws -> [Int] {
        let count = wiring.count
        var waiting = wiring.map { Set($0.filter { $0 != 0 }).count }
        var readers = [[Int]](repeating: [], count: count)
        for (index, inputs) in wiring.enumerated() { for slot in Set(inputs) where slot != 0 { readers[slot - 1].append(index) } }
        var ready = Set((0..<count).filter { waiting[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(count)
        while let next = ready.min() {
            ready.remove(next)
            order.append(next)
            for reader in readers[next] {
                waiting[reader] -= 1
                if waiting[reader] == 0 { ready.insert(reader) }
            }
        }
        if order.count < count, let stuck = (0..<count).first(where: { waiting[$0] > 0 }) {
            throw ModelError("\(specs[stuck].nodeLabel) is part of a cycle (a graph's inputs must lead from the sequence to the heads)")
        }
        return order
    }

    /// Slots some head depends on.
    private static func slotsReaching(_ targets: [Int], nodes: [Node]) -> Set<Int> {
        var seen = Set(targets), stack = targets
        while let slot = stack.popLast() {
            guard slot > 0 else { continue }
            for input in nodes[slot - 1].inputs where seen.insert(input).inserted { stack.append(input) }
        }
        return seen
    }

    public var inputLength: Int { architecture.inputLength }
    /// The layers in run order.
    public var layers: [Layer] { nodes.map(\.layer) }
    /// Every scalar output, head by head: the columns of `plrp predict` and the flat target indices.
    public var outputs: [String] { heads.flatMap(\.outputs) }
    public var scalarHeads: [Head] { heads.filter { !$0.isProfile } }
    public var profileHeads: [Head] { heads.filter(\.isProfile) }
    public var parameterCount: Int { nodes.reduce(0) { $0 + $1.layer.parameterCount } }
    /// True when every node reads the one before it and the only head is the last node.
    public var isChain: Bool {
        nodes.enumerated().allSatisfy { $0.element.inputs == [$0.offset] } && heads.count == 1 && heads[0].slot == nodes.count
    }
    /// The head with this name.
    public func head(named name: String) -> Head? { heads.first { $0.name == name } }

    /// Items that go through all layers together on one thread. Fixed, so results do not depend on the thread count.
    public static let itemsPerChunk = 16

    /// Scalar logits `[N, outputs]` for a batch `[N, 4, L]`, every scalar head side by side.
    public func logits(_ input: Tensor, compute: Compute) -> Tensor {
        outputs(input, profiles: false, compute: compute).logits
    }

    /// Each profile head's logits `[N, C, L']`, in head order.
    public func profiles(_ input: Tensor, compute: Compute) -> [Tensor] {
        outputs(input, profiles: true, compute: compute).profiles
    }

    /// The scalar logits `[N, outputs]` and (with `profiles`) each profile head's logits, from one pass: chunks of
    /// items each run through the whole network on one worker (every layer runs in parallel and a chunk's activations
    /// stay in cache).
    public func outputs(_ input: Tensor, profiles wantsProfiles: Bool = true, compute: Compute) -> (logits: Tensor, profiles: [Tensor]) {
        precondition(Array(input.shape.dropFirst()) == shapes[0], "input must be [N, 4, \(inputLength)]")
        let n = input.shape[0], row = input.rowLength
        let scalar = scalarHeads, profile = wantsProfiles ? profileHeads : []
        let width = scalar.reduce(0) { $0 + $1.shape[0] }
        var logits = Tensor(zeros: [n, width])
        // Every profile head's values, head after head, split at the end.
        let sizes = profile.map { $0.shape.reduce(1, *) }
        let offsets = sizes.indices.map { n * sizes[..<$0].reduce(0, +) }
        var profileValues = [Float](repeating: 0, count: n * sizes.reduce(0, +) + 1)
        func split() -> [Tensor] {
            profile.indices.map { k in
                Tensor(shape: [n] + profile[k].shape, values: Array(profileValues[offsets[k]..<(offsets[k] + n * sizes[k])]))
            }
        }
        guard n > 0 else { return (logits, split()) }
        let keeping = Set((scalar + profile).map(\.slot))
        let serial = Compute(threads: 1)
        profileValues.withSharedMutablePointer { profileOut in
        logits.values.withSharedMutablePointer { out in
            input.values.withUnsafeBufferPointer { x in
                compute.forEachChunk(of: n, chunk: Self.itemsPerChunk) { items in
                    let chunk = Tensor(shape: [items.count] + shapes[0],
                                       values: Array(x[(items.lowerBound * row)..<(items.upperBound * row)]))
                    let values = run(chunk, keeping: keeping, compute: serial)
                    var position = out.base + items.lowerBound * width
                    for item in 0..<items.count {
                        for head in scalar {
                            let size = head.shape[0]
                            values[head.slot]!.values.withUnsafeBufferPointer { v in
                                position.update(from: v.baseAddress! + item * size, count: size)
                            }
                            position += size
                        }
                    }
                    for (k, head) in profile.enumerated() {
                        values[head.slot]!.values.withUnsafeBufferPointer { v in
                            (profileOut.base + offsets[k] + items.lowerBound * sizes[k]).update(from: v.baseAddress!,
                                                                                                count: items.count * sizes[k])
                        }
                    }
                }
            }
        }
        }
        return (logits, split())
    }

    /// Runs the nodes that `keeping` depends on, on one chunk, on the calling thread, and returns the slots in
    /// `keeping` (others are freed once read). When only heads are kept, a chunk of more than `chunkItems` items
    /// runs in parts of that many, whose kept values are joined (keeping more, parts would add copies of them).
    func run(_ input: Tensor, keeping: Set<Int>, compute: Compute) -> [Tensor?] {
        let n = input.shape[0], part = chunkItems
        guard n > part, keeping.isSubset(of: heads.map(\.slot)) else { return runPart(input, keeping: keeping, compute: compute) }
        let row = input.rowLength
        let parts = stride(from: 0, to: n, by: part).map { first -> [Tensor?] in
            let items = first..<min(n, first + part)
            let values = Array(input.values[(items.lowerBound * row)..<(items.upperBound * row)])
            return runPart(Tensor(shape: [items.count] + input.shape.dropFirst(), values: values), keeping: keeping, compute: compute)
        }
        return shapes.indices.map { slot in
            guard keeping.contains(slot) else { return nil }
            return Tensor(shape: [n] + shapes[slot], values: parts.flatMap { $0[slot]!.values })
        }
    }

    /// Items that run through the network together: `itemsPerChunk`, or fewer when an item's largest value is so
    /// long that a chunk's activations would not stay in the caches (BPNet's [64, 2114] values are half a megabyte
    /// each). It depends on the shapes alone, so results still do not depend on the thread count.
    public var chunkItems: Int {
        let largest = shapes.map { $0.reduce(1, *) }.max() ?? 1
        return max(1, min(Self.itemsPerChunk, Self.chunkFloats / max(largest, 1)))
    }

    /// Floats of the largest value a chunk may hold: 1.25 MiB, 16 items of the default model's [64, 300] (1.2 MB).
    static let chunkFloats = 5 << 16

    /// The slots whose values `targets` (slots) depend on, the targets included.
    public func slots(reaching targets: [Int]) -> Set<Int> { Self.slotsReaching(targets, nodes: nodes) }

    /// `run` on at most `chunkItems` items. A node whose input nobody else reads works in place; ReLU then max
    /// pooling runs as max pooling then ReLU, which is equal on a quarter of the values; a residual block (conv,
    /// ReLU, add of the conv's input) runs as one pass of the direct kernel (`Conv1d.forwardResidual`); nodes that
    /// no slot in `keeping` depends on do not run.
    private func runPart(_ input: Tensor, keeping: Set<Int>, compute: Compute) -> [Tensor?] {
        var values = [Tensor?](repeating: nil, count: shapes.count)
        let needed = Self.slotsReaching(Array(keeping), nodes: nodes)
        // Reads by nodes that run.
        var remaining = consumers.map { $0.filter { needed.contains($0 + 1) }.count }
        values[0] = input
        var index = 0
        while index < nodes.count {
            let node = nodes[index], output = index + 1
            guard needed.contains(output) else {
                index += 1
                continue
            }
            if let source = residualBlockSource(at: index), !keeping.contains(output), !keeping.contains(output + 1),
               let sum = (node.layer as! Conv1d).forwardResidual(values[source]!, compute: compute) {
                values[output + 2] = sum
                remaining[source] -= 2
                if remaining[source] <= 0, !keeping.contains(source) { values[source] = nil }
                index += 3
                continue
            }
            if node.layer.spec.kind == .relu, index + 1 < nodes.count, nodes[index + 1].layer.spec.kind == .maxpool1d,
               nodes[index + 1].inputs == [output], consumers[output].count == 1, !keeping.contains(output),
               let source = node.inputs.first, remaining[source] == 1, source != 0, !keeping.contains(source) {
                var x = values[source].take()!
                remaining[source] = 0
                nodes[index + 1].layer.forward(inPlace: &x, compute: compute)
                node.layer.forward(inPlace: &x, compute: compute)
                values[output + 1] = x
                index += 2
                continue
            }
            if let join = node.layer as? JoinLayer {
                values[output] = join.forward(node.inputs.map { values[$0]! })
            } else {
                let source = node.inputs[0]
                if remaining[source] == 1, source != 0, !keeping.contains(source) {
                    var x = values[source].take()!
                    node.layer.forward(inPlace: &x, compute: compute)
                    values[output] = x
                } else {
                    values[output] = node.layer.forward(values[source]!, compute: compute)
                }
            }
            for source in node.inputs {
                remaining[source] -= 1
                if remaining[source] <= 0, !keeping.contains(source) { values[source] = nil }
            }
            index += 1
        }
        return values
    }

    /// Whether nodes `index`, `index + 1` and `index + 2` are a residual block: a conv, a ReLU reading only it, and an
    /// add of the ReLU's output and the conv's input, the conv's and the ReLU's outputs read by nothing else.
    /// Returns the slot the conv reads.
    public func residualBlockSource(at index: Int) -> Int? {
        guard index + 2 < nodes.count, nodes[index].layer is Conv1d, nodes[index + 1].layer.spec.kind == .relu,
              nodes[index + 2].layer.spec.kind == .add, let source = nodes[index].inputs.first,
              nodes[index + 1].inputs == [index + 1], Set(nodes[index + 2].inputs) == [source, index + 2],
              nodes[index + 2].inputs.count == 2, consumers[index + 1].count == 1, consumers[index + 2].count == 1,
              !heads.contains(where: { $0.slot == index + 1 || $0.slot == index + 2 }) else { return nil }
        return source
    }

    /// Every slot's value for a batch (slot 0 the input, slot i + 1 the output of node i), for explanations.
    public func activations(_ input: Tensor, compute: Compute) -> [Tensor] {
        run(input, keeping: Set(shapes.indices), compute: compute).map { $0! }
    }

    /// The values of the slots in `keeping` (nil elsewhere), running only the nodes they depend on.
    public func activations(_ input: Tensor, keeping: Set<Int>, compute: Compute) -> [Tensor?] {
        run(input, keeping: keeping, compute: compute)
    }

    /// Applies the output activation to scalar logits `[N, outputs]`.
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
