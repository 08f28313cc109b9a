import Foundation

/// The `architecture` document of a model file (SPEC §4): input, layers in order, output names and activation.
public struct Architecture: Sendable, Equatable {
    public var alphabet: String
    public var inputLength: Int
    public var layers: [LayerSpec]
    public var outputs: [String]
    public var outputActivation: OutputActivation

    public init(alphabet: String = "ACGT", inputLength: Int, layers: [LayerSpec], outputs: [String],
                outputActivation: OutputActivation) {
        self.alphabet = alphabet
        self.inputLength = inputLength
        self.layers = layers
        self.outputs = outputs
        self.outputActivation = outputActivation
    }

    /// Parses the JSON text; every problem names the layer (by position, type and name) and the field.
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
        let layerObjects = try top.array("layers")
        layers = try layerObjects.enumerated().map { index, value in
            guard let object = value as? [String: Any] else { throw ModelError("architecture: layer \(index) is not an object") }
            return try LayerSpec(object, index: index)
        }
        guard !layers.isEmpty else { throw ModelError("architecture: no layers") }
        outputs = try top.strings("outputs")
        guard !outputs.isEmpty else { throw ModelError("architecture: 'outputs' is empty") }
        let activation = try top.string("output_activation", default: "none")
        guard let parsed = OutputActivation(rawValue: activation) else {
            throw ModelError("architecture: unknown output_activation '\(activation)' (sigmoid, softmax or none)")
        }
        outputActivation = parsed
        var seen = Set<String>()
        for layer in layers where layer.kind.hasParameters {
            guard seen.insert(layer.name).inserted else { throw ModelError("architecture: two layers are named '\(layer.name)'") }
        }
    }

    /// The JSON text, keys sorted, as stored in model files.
    public func json() -> String {
        let document: [String: Any] = [
            "input": ["alphabet": alphabet, "length": inputLength],
            "layers": layers.map { $0.jsonObject() },
            "outputs": outputs,
            "output_activation": outputActivation.rawValue,
        ]
        let data = try! JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
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
