/// Graph rewrites that turn exporter idioms back into single layers before the chain is read.
enum ONNXRewrites {
    /// PyTorch's torch.export-based exporter writes `Softplus(x)` with its threshold as
    /// `Where(Greater(x, t), x, Softplus(x))`; the threshold only avoids overflow, so this is one softplus layer.
    static func fusingThresholdedSoftplus(_ nodes: [Onnx_NodeProto]) -> [Onnx_NodeProto] {
        var producer: [String: Onnx_NodeProto] = [:]
        for node in nodes { for output in node.output { producer[output] = node } }
        var dropped = Set<String>()
        var replacements: [String: Onnx_NodeProto] = [:]
        for node in nodes where node.opType == "Where" && node.input.count == 3 {
            guard let greater = producer[node.input[0]], greater.opType == "Greater",
                  let softplus = producer[node.input[2]], softplus.opType == "Softplus",
                  let x = softplus.input.first, greater.input.first == x, node.input[1] == x else { continue }
            var fused = softplus
            fused.output = node.output
            replacements[softplus.name + "\u{0}" + softplus.output.joined()] = fused
            dropped.insert(greater.name + "\u{0}" + greater.output.joined())
            dropped.insert(node.name + "\u{0}" + node.output.joined())
        }
        guard !replacements.isEmpty else { return nodes }
        return nodes.compactMap { node in
            let key = node.name + "\u{0}" + node.output.joined()
            if dropped.contains(key) { return nil }
            return replacements[key] ?? node
        }
    }
}
