/// How PLRP prunes (docs/method.md): fractions of positive and negative relevance mass per prunable layer, and the variant.
public struct PruningPlan: Sendable, Equatable {
    public enum Variant: String, Sendable, CaseIterable {
        /// Pruned entries become 0; kept ones are scaled so each sign's mass is conserved.
        case lambda
        /// The LRP step into the layer is redone without the pruned neurons' contributions.
        case m
    }

    /// p⁺ for every prunable layer without its own value. 0 is plain LRP.
    public var global: Float
    /// p⁺ by layer name (`--prune 3=0.5,6=0.3`).
    public var perLayer: [String: Float]
    /// p⁻ for every layer; default p⁺/2.
    public var negative: Float?
    public var variant: Variant

    public init(global: Float = 0, perLayer: [String: Float] = [:], negative: Float? = nil, variant: Variant = .lambda) {
        self.global = global
        self.perLayer = perLayer
        self.negative = negative
        self.variant = variant
    }

    /// (p⁺, p⁻) for a prunable layer, or nil when nothing is pruned there.
    public func fractions(for layer: String) -> (positive: Float, negative: Float)? {
        let positive = perLayer[layer] ?? global
        let negative = self.negative ?? positive / 2
        return positive > 0 || negative > 0 ? (positive, negative) : nil
    }

    /// Parses `--prune`: a number for every layer, or `NAME=P,NAME=P` (a bare number among them sets the rest).
    public static func parse(_ text: String) throws -> (global: Float, perLayer: [String: Float]) {
        var global: Float = 0
        var perLayer: [String: Float] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let value = Float(parts.last!), value >= 0, value < 1 else {
                throw ExplainError("--prune: '\(item)' is not a fraction in [0, 1)")
            }
            if parts.count == 2 { perLayer[parts[0]] = value } else { global = value }
        }
        return (global, perLayer)
    }
}

import Foundation
