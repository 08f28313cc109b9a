import Foundation

/// The `architecture` document of a model file (docs/formats.md): the input, the nodes, the heads and the output
/// activation. Version 1 files hold a chain (`layers`, each reading the one before, and `outputs` naming the last
/// layer's values); version 2 files a graph (`nodes` with named `inputs`, and `heads`).
public struct Architecture: Sendable, Equatable {
    public var alphabet: String
    public var inputLength: Int
    /// Every node, in file order. In a chain each reads the one before it.
    public var layers: [LayerSpec]
    /// The scalar outputs' names of a chain (for a graph, `Network.outputs` derives them from the heads).
    public var outputs: [String]
    public var outputActivation: OutputActivation
    /// Named outputs of the graph; a chain has one, on its last layer, whose values `outputs` names.
    public var heads: [HeadSpec] {
        get { isGraph ? graphHeads : [HeadSpec(name: "output", node: layers.last?.name ?? "", outputs: outputs)] }
        set { graphHeads = newValue }
    }
    private var graphHeads: [HeadSpec] = []
    /// Written as a version-2 graph (nodes with explicit inputs, heads) rather than a version-1 chain.
    public var isGraph: Bool

    /// The name that stands for the sequence input in `inputs`.
    public static let inputName = "input"

    /// A chain: layers in order, the last one's values named by `outputs`.
    public init(alphabet: String = "ACGT", inputLength: Int, layers: [LayerSpec], outputs: [String],
                outputActivation: OutputActivation) {
        self.alphabet = alphabet
        self.inputLength = inputLength
        self.layers = layers
        self.outputs = outputs
        self.outputActivation = outputActivation
        isGraph = false
    }

    /// A graph: nodes with their `inputs` set, and heads.
    public init(alphabet: String = "ACGT", inputLength: Int, nodes: [LayerSpec], heads: [HeadSpec],
                outputActivation: OutputActivation) {
        self.alphabet = alphabet
        self.inputLength = inputLength
        layers = nodes
        outputs = []
        self.outputActivation = outputActivation
        isGraph = true
        graphHeads = heads
    }

    /// Parses the JSON text; every problem names the layer or node (by position, type and name) and the field.
    public init(json: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
              let document = object as? [String: Any] else {
            throw ModelError("architecture: not a JSON object")
        }
        let top = Fields(document, context: "architecture")
        let input = Fields(try top.object("input"), context: "architecture input")
        alphabet = try input.string("alphabet", default: "ACGT")
        guard alphabet == "ACGT" else { throw ModelError("architecture input: alphabet must be \"ACGT\", got \"\(alphabet)\"") }
        inputLength = try input.int("length")
        guard inputLength > 0 else { throw ModelError("architecture input: length must be positive, got \(inputLength)") }
        isGraph = top.has("nodes")
        let layerObjects = try top.array(isGraph ? "nodes" : "layers")
        layers = try layerObjects.enumerated().map { [isGraph] index, value in
            guard let object = value as? [String: Any] else {
                throw ModelError("architecture: \(isGraph ? "node" : "layer") \(index) is not an object")
            }
            return try LayerSpec(object, index: index, graph: isGraph)
        }
        guard !layers.isEmpty else { throw ModelError("architecture: no \(isGraph ? "nodes" : "layers")") }
        let activation = try top.string("output_activation", default: "none")
        guard let parsed = OutputActivation(rawValue: activation) else {
            throw ModelError("architecture: unknown output_activation '\(activation)' (sigmoid, softmax or none)")
        }
        outputActivation = parsed
        if isGraph {
            outputs = []
            graphHeads = try top.array("heads").enumerated().map { index, value in
                guard let object = value as? [String: Any] else { throw ModelError("architecture: head \(index) is not an object") }
                return try HeadSpec(Fields(object, context: "architecture head \(index)"))
            }
            guard !heads.isEmpty else { throw ModelError("architecture: 'heads' is empty") }
            var seen = Set<String>()
            for node in layers {
                guard node.name != Self.inputName else { throw ModelError("architecture: '\(Self.inputName)' names the sequence input, not a node") }
                guard seen.insert(node.name).inserted else { throw ModelError("architecture: two nodes are named '\(node.name)'") }
            }
            var headNames = Set<String>()
            for head in heads where !headNames.insert(head.name).inserted {
                throw ModelError("architecture: two heads are named '\(head.name)'")
            }
        } else {
            outputs = try top.strings("outputs")
            guard !outputs.isEmpty else { throw ModelError("architecture: 'outputs' is empty") }
            var seen = Set<String>()
            for layer in layers where layer.kind.hasParameters {
                guard seen.insert(layer.name).inserted else { throw ModelError("architecture: two layers are named '\(layer.name)'") }
            }
        }
    }

    /// The JSON text, keys sorted, as stored in model files.
    public func json() -> String {
        var document: [String: Any] = [
            "input": ["alphabet": alphabet, "length": inputLength],
            "output_activation": outputActivation.rawValue,
        ]
        if isGraph {
            document["nodes"] = layers.map { $0.nodeObject() }
            document["heads"] = heads.map { $0.jsonObject() }
        } else {
            document["layers"] = layers.map { $0.jsonObject() }
            document["outputs"] = outputs
        }
        let data = try! JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

/// A named output of a graph: the node it reads, and for a scalar head the names of its values (empty: the head's
/// name for one value, `NAME.INDEX` for several).
public struct HeadSpec: Sendable, Equatable {
    public var name: String
    public var node: String
    public var outputs: [String]

    public init(name: String, node: String, outputs: [String] = []) {
        self.name = name
        self.node = node
        self.outputs = outputs
    }

    init(_ f: Fields) throws {
        name = try f.string("name")
        node = try f.string("node")
        outputs = f.has("outputs") ? try f.strings("outputs") : []
        guard !name.isEmpty, !name.contains(where: { $0 == "\t" || $0 == "\n" }) else {
            throw ModelError("\(f.context): 'name' must be a non-empty name without tabs or line breaks")
        }
    }

    func jsonObject() -> [String: Any] {
        var o: [String: Any] = ["name": name, "node": node]
        if !outputs.isEmpty { o["outputs"] = outputs }
        return o
    }
}

/// Applied to logits only when probabilities are reported; explanations always start from logits.
public enum OutputActivation: String, Sendable, CaseIterable {
    case sigmoid, softmax, none
}

/// Typed access to a JSON object with messages that say where a field is missing or wrong.
struct Fields {
    let object: [String: Any]
    let context: String

    init(_ object: [String: Any], context: String) {
        self.object = object
        self.context = context
    }

    func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    func int(_ key: String) throws -> Int {
        guard let value = object[key] else { throw ModelError("\(context): missing '\(key)'") }
        guard let exact = JSONValue.integer(value) else {
            throw ModelError("\(context): '\(key)' must be an integer")
        }
        return exact
    }

    func int(_ key: String, default fallback: Int) throws -> Int { has(key) ? try int(key) : fallback }

    func double(_ key: String, default fallback: Double) throws -> Double {
        guard has(key) else { return fallback }
        guard let number = object[key] as? NSNumber, !JSONValue.isBool(number), number.doubleValue.isFinite else {
            throw ModelError("\(context): '\(key)' must be a finite number")
        }
        return number.doubleValue
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard has(key) else { return fallback }
        guard let value = object[key], JSONValue.isBool(value), let flag = value as? Bool else { throw ModelError("\(context): '\(key)' must be true or false") }
        return flag
    }

    func string(_ key: String) throws -> String {
        guard let value = object[key] else { throw ModelError("\(context): missing '\(key)'") }
        guard let text = value as? String else { throw ModelError("\(context): '\(key)' must be a string") }
        return text
    }

    func string(_ key: String, default fallback: String) throws -> String { has(key) ? try string(key) : fallback }

    func object(_ key: String) throws -> [String: Any] {
        guard let value = object[key] as? [String: Any] else { throw ModelError("\(context): missing object '\(key)'") }
        return value
    }

    func array(_ key: String) throws -> [Any] {
        guard let value = object[key] as? [Any] else { throw ModelError("\(context): missing list '\(key)'") }
        return value
    }

    func strings(_ key: String) throws -> [String] {
        guard let value = object[key] as? [String] else { throw ModelError("\(context): '\(key)' must be a list of strings") }
        return value
    }
}
