import Foundation

/// An integer entry of a folded constant: a number, or the batch size, which the graph leaves open.
enum ONNXInteger: Equatable, CustomStringConvertible {
    case value(Int)
    case batch

    var value: Int? { if case .value(let v) = self { v } else { nil } }
    var description: String { value.map(String.init) ?? "batch" }
}

/// A constant tensor met while importing: float values (weights, biases), or integers (shapes, axes, indices) where
/// an entry may stand for the batch size. Shape arithmetic (`Shape → Gather → Sub → Unsqueeze → Slice`,
/// `Shape → Gather → Unsqueeze → Concat → Reshape`) folds into these before any data node needs it.
enum ONNXConstant {
    case floats(Tensor)
    case integers(shape: [Int], values: [ONNXInteger])

    /// The most elements a folded constant may have beyond the initializers it comes from.
    static let maxFoldedElements = 1 << 20

    static func integers(_ values: [Int], shape: [Int]? = nil) -> ONNXConstant {
        .integers(shape: shape ?? [values.count], values: values.map { .value($0) })
    }

    var shape: [Int] {
        switch self {
        case .floats(let t): t.shape
        case .integers(let shape, _): shape
        }
    }

    var count: Int {
        switch self {
        case .floats(let t): t.count
        case .integers(_, let values): values.count
        }
    }

    /// The integer values, each known (no batch entry); nil for floats or a batch entry.
    var knownIntegers: [Int]? {
        guard case .integers(_, let values) = self else { return nil }
        let known = values.compactMap(\.value)
        return known.count == values.count ? known : nil
    }

    /// The float values; integers convert when they are all known.
    var floatTensor: Tensor? {
        switch self {
        case .floats(let t): t
        case .integers(let shape, _): knownIntegers.map { Tensor(shape: shape, values: $0.map { Float($0) }) }
        }
    }

    /// The constant of an ONNX tensor (an initializer or a Constant node's value), or nil for a type plrp does not
    /// read (a bool, a string).
    static func from(_ t: Onnx_TensorProto, what: String) throws -> ONNXConstant? {
        let shape = t.dims.map { Int($0) }
        if let floats = try ONNXTensor.float(t) { return .floats(floats) }
        if t.dataType == 6 || t.dataType == 7 {
            guard let values = ONNXTensor.integers(t) else {
                throw ModelError("\(what): its integers do not fit its shape \(shape)")
            }
            return .integers(values, shape: shape)
        }
        return nil
    }

    // MARK: Structure (both kinds)

    /// Applies a re-ordering of the flat values: `pick[i]` is the source index of output element i.
    func picking(_ pick: [Int], shape: [Int]) -> ONNXConstant {
        switch self {
        case .floats(let t): .floats(Tensor(shape: shape, values: pick.map { t.values[$0] }))
        case .integers(_, let values): .integers(shape: shape, values: pick.map { values[$0] })
        }
    }

    func reshaped(_ shape: [Int]) -> ONNXConstant {
        switch self {
        case .floats(let t): .floats(Tensor(shape: shape, values: t.values))
        case .integers(_, let values): .integers(shape: shape, values: values)
        }
    }
}

/// Folding of constant subgraphs, op by op.
enum ONNXFolding {
    /// The ops folded when every input is a constant (`Shape` folds from a data input too).
    static let ops: Set<String> = ["Constant", "Shape", "Gather", "Slice", "Unsqueeze", "Squeeze", "Concat", "Add",
                                   "Sub", "Mul", "Div", "Neg", "Cast", "Range", "Reshape", "Identity", "ConstantOfShape",
                                   "Flatten"]

    /// A Constant node's value.
    static func constantNode(_ node: Onnx_NodeProto, label: String, external: ONNXExternalData) throws -> ONNXConstant {
        let a = ONNXAttributes(node)
        if let t = a.tensor("value") {
            guard let value = try ONNXConstant.from(try external.resolved(t, what: label), what: label) else {
                throw ModelError("\(label): a constant of ONNX type \(t.dataType) is not supported")
            }
            return value
        }
        if let v = a.int("value_int") { return .integers([v], shape: []) }
        if let v = a.ints("value_ints") { return .integers(v) }
        if let v = a.float("value_float") { return try finite(.floats(Tensor(shape: [], values: [v])), label) }
        if let v = a.floats("value_floats") { return try finite(.floats(Tensor(shape: [v.count], values: v)), label) }
        throw ModelError("\(label): only a tensor, int or float value is supported")
    }

    private static func finite(_ c: ONNXConstant, _ label: String) throws -> ONNXConstant {
        if case .floats(let t) = c, t.values.contains(where: { !$0.isFinite }) { throw ModelError("\(label): a non-finite value") }
        return c
    }

    /// The ONNX shape of a data tensor `[batch, …]`, as `Shape` gives it (attributes `start`/`end`, opset 15).
    static func shape(of dims: [ONNXInteger], attributes a: ONNXAttributes) -> ONNXConstant {
        let rank = dims.count
        func clamp(_ i: Int) -> Int { min(max(i < 0 ? i + rank : i, 0), rank) }
        let start = clamp(a.int("start") ?? 0), end = clamp(a.int("end") ?? rank)
        let kept = start < end ? Array(dims[start..<end]) : []
        return .integers(shape: [kept.count], values: kept)
    }

    /// Folds `node` over constant inputs (`inputs[i]` nil for an absent optional input).
    static func fold(_ node: Onnx_NodeProto, _ inputs: [ONNXConstant?], label: String) throws -> ONNXConstant {
        let a = ONNXAttributes(node)
        func input(_ i: Int) throws -> ONNXConstant {
            guard i < inputs.count, let value = inputs[i] else { throw ModelError("\(label): missing input \(i)") }
            return value
        }
        func knownInts(_ i: Int, _ what: String) throws -> [Int] {
            guard let values = try input(i).knownIntegers else {
                throw ModelError("\(label): \(what) must be known integers")
            }
            return values
        }
        func optionalInts(_ i: Int, _ what: String) throws -> [Int]? {
            guard i < inputs.count, inputs[i] != nil else { return nil }
            return try knownInts(i, what)
        }
        let result: ONNXConstant
        switch node.opType {
        case "Identity":
            result = try input(0)
        case "Shape":
            let x = try input(0)
            result = shape(of: x.shape.map { .value($0) }, attributes: a)
        case "Gather":
            result = try gather(try input(0), indices: try knownInts(1, "indices"), indexShape: try input(1).shape,
                                axis: a.int("axis") ?? 0, label: label)
        case "Slice":
            let starts = try optionalInts(1, "starts") ?? a.ints("starts") ?? []
            let ends = try optionalInts(2, "ends") ?? a.ints("ends") ?? []
            let axes = try optionalInts(3, "axes") ?? a.ints("axes")
            let steps = try optionalInts(4, "steps")
            result = try slice(try input(0), starts: starts, ends: ends, axes: axes, steps: steps, label: label)
        case "Unsqueeze":
            let x = try input(0)
            guard let axes = try optionalInts(1, "axes") ?? a.ints("axes") else { throw ModelError("\(label): missing axes") }
            let rank = x.shape.count + axes.count
            let normal = try normalized(axes, rank: rank, label: label)
            guard Set(normal).count == normal.count else { throw ModelError("\(label): repeated axes \(axes)") }
            var shape = x.shape
            for axis in normal.sorted() { shape.insert(1, at: axis) }
            result = x.reshaped(shape)
        case "Squeeze":
            let x = try input(0)
            let axes = try optionalInts(1, "axes") ?? a.ints("axes")
            let remove = try axes.map { try normalized($0, rank: x.shape.count, label: label) }
                ?? x.shape.indices.filter { x.shape[$0] == 1 }
            guard remove.allSatisfy({ x.shape[$0] == 1 }) else { throw ModelError("\(label): squeezes an axis that is not 1") }
            result = x.reshaped(x.shape.indices.filter { !remove.contains($0) }.map { x.shape[$0] })
        case "Flatten":
            let x = try input(0)
            let given = a.int("axis") ?? 1, rank = x.shape.count
            let axis = given < 0 ? given + rank : given
            guard axis >= 0, axis <= rank else { throw ModelError("\(label): axis \(given) is outside rank \(rank)") }
            let outer = x.shape[..<axis].reduce(1, *)
            result = x.reshaped([outer, outer == 0 ? 0 : x.count / outer])
        case "Reshape":
            let x = try input(0)
            let target = try knownInts(1, "the shape")
            result = x.reshaped(try reshapeTarget(target, of: x.shape, count: x.count, allowZero: (a.int("allowzero") ?? 0) != 0,
                                                  label: label))
        case "Concat":
            guard let axis = a.int("axis") else { throw ModelError("\(label): missing axis") }
            result = try concat(try inputs.indices.map { try input($0) }, axis: axis, label: label)
        case "Add", "Sub", "Mul", "Div":
            result = try arithmetic(node.opType, try input(0), try input(1), label: label)
        case "Neg":
            result = try arithmetic("Sub", .integers([0], shape: []), try input(0), label: label)
        case "Cast":
            result = try cast(try input(0), to: a.int("to") ?? 0, label: label)
        case "Range":
            let start = try knownInts(0, "start"), limit = try knownInts(1, "limit"), delta = try knownInts(2, "delta")
            guard start.count == 1, limit.count == 1, delta.count == 1, delta[0] != 0 else {
                throw ModelError("\(label): start, limit and delta must be single integers, delta not zero")
            }
            let steps = max(0, ((Double(limit[0]) - Double(start[0])) / Double(delta[0])).rounded(.up))
            guard steps <= Double(ONNXConstant.maxFoldedElements) else { throw ModelError("\(label): \(steps) values are too many to fold") }
            let count = Int(steps)
            var values: [Int] = []
            var next = start[0]
            for _ in 0..<count where delta[0] > 0 ? next < limit[0] : next > limit[0] {
                values.append(next)
                let (stepped, overflow) = next.addingReportingOverflow(delta[0])
                if overflow { break }
                next = stepped
            }
            result = .integers(values)
        case "ConstantOfShape":
            let shape = try knownInts(0, "the shape")
            guard shape.allSatisfy({ $0 >= 0 }) else { throw ModelError("\(label): negative shape \(shape)") }
            let count = try checkedCount(shape, label: label)
            var fill = ONNXConstant.floats(Tensor(shape: [], values: [0]))
            if let t = a.tensor("value"), let value = try ONNXConstant.from(t, what: label), value.count == 1 { fill = value }
            result = fill.picking([Int](repeating: 0, count: count), shape: shape)
        default:
            throw ModelError("\(label) is not supported on constants")
        }
        guard result.count <= ONNXConstant.maxFoldedElements || result.count <= (inputs.compactMap { $0?.count }.max() ?? 0) else {
            throw ModelError("\(label): folding makes \(result.count) values, too many")
        }
        return result
    }

    static func normalized(_ axes: [Int], rank: Int, label: String) throws -> [Int] {
        try axes.map { axis in
            let a = axis < 0 ? axis + rank : axis
            guard a >= 0, a < rank else { throw ModelError("\(label): axis \(axis) is outside rank \(rank)") }
            return a
        }
    }

    static func checkedCount(_ shape: [Int], label: String) throws -> Int {
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= ONNXConstant.maxFoldedElements else { throw ModelError("\(label): shape \(shape) is too large to fold") }
            count = p
        }
        return count
    }

    /// The shape a Reshape target names for `count` elements of `shape` (0 copies a dimension unless `allowZero`,
    /// one −1 takes what is left).
    static func reshapeTarget(_ target: [Int], of shape: [Int], count: Int, allowZero: Bool, label: String) throws -> [Int] {
        var out: [Int] = []
        var free: Int? = nil
        for (i, d) in target.enumerated() {
            switch d {
            case 0 where !allowZero:
                guard i < shape.count else { throw ModelError("\(label): 0 copies dimension \(i), which the input lacks") }
                out.append(shape[i])
            case -1:
                guard free == nil else { throw ModelError("\(label): two -1 entries in the shape") }
                free = i
                out.append(1)
            default:
                guard d >= 0 else { throw ModelError("\(label): negative dimension \(d) in the shape") }
                out.append(d)
            }
        }
        var known = 1
        for d in out {
            let (p, overflow) = known.multipliedReportingOverflow(by: d)
            guard !overflow else { throw ModelError("\(label): shape \(target) overflows") }
            known = p
        }
        if let free {
            guard known > 0, count % known == 0 else { throw ModelError("\(label): \(count) values do not reshape to \(target)") }
            out[free] = count / known
        } else if known != count {
            throw ModelError("\(label): \(count) values do not reshape to \(target)")
        }
        return out
    }

    private static func gather(_ x: ONNXConstant, indices: [Int], indexShape: [Int], axis: Int, label: String) throws -> ONNXConstant {
        let shape = x.shape
        guard !shape.isEmpty else { throw ModelError("\(label): gathers from a scalar") }
        let a = try normalized([axis], rank: shape.count, label: label)[0]
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *), n = shape[a]
        var pick: [Int] = []
        for o in 0..<outer {
            for index in indices {
                let i = index < 0 ? index + n : index
                guard i >= 0, i < n else { throw ModelError("\(label): index \(index) is outside 0..<\(n)") }
                for k in 0..<inner { pick.append((o * n + i) * inner + k) }
                guard pick.count <= ONNXConstant.maxFoldedElements else { throw ModelError("\(label): too many values to fold") }
            }
        }
        return x.picking(pick, shape: Array(shape[..<a]) + indexShape + Array(shape[(a + 1)...]))
    }

    /// ONNX Slice bounds on an axis of `n`: negative positions count from the end, and both clamp to the axis
    /// (so INT64_MAX means "to the end").
    static func sliceRange(start: Int, end: Int, step: Int, n: Int) -> [Int] {
        func resolve(_ p: Int) -> Int { p < 0 ? (p < -n ? -1 : p + n) : p }
        var s = resolve(start), e = resolve(end)
        if step > 0 {
            s = min(max(s, 0), n)
            e = min(max(e, 0), n)
            return s < e ? Array(stride(from: s, to: e, by: step)) : []
        }
        s = min(max(s, -1), n - 1)
        e = min(max(e, -1), n - 1)
        return s > e ? Array(stride(from: s, to: e, by: step)) : []
    }

    private static func slice(_ x: ONNXConstant, starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?, label: String) throws -> ONNXConstant {
        guard x.shape.count == 1 else { throw ModelError("\(label): only slices of 1-D constants fold") }
        guard starts.count == ends.count, starts.count <= 1 else { throw ModelError("\(label): starts and ends must name one axis") }
        guard let start = starts.first else { return x }
        if let axes { guard try normalized(axes, rank: 1, label: label) == [0] else { throw ModelError("\(label): bad axes \(axes)") } }
        let step = steps?.first ?? 1
        guard step != 0 else { throw ModelError("\(label): step 0") }
        let pick = sliceRange(start: start, end: ends[0], step: step, n: x.shape[0])
        return x.picking(pick, shape: [pick.count])
    }

    private static func concat(_ parts: [ONNXConstant], axis: Int, label: String) throws -> ONNXConstant {
        guard let first = parts.first else { throw ModelError("\(label): no inputs") }
        let rank = first.shape.count
        guard rank > 0 else { throw ModelError("\(label): concatenates scalars") }
        let a = try normalized([axis], rank: rank, label: label)[0]
        var floats = false, ints = false
        for p in parts {
            guard p.shape.count == rank, p.shape.indices.allSatisfy({ $0 == a || p.shape[$0] == first.shape[$0] }) else {
                throw ModelError("\(label): inputs differ in shape")
            }
            if case .floats = p { floats = true } else { ints = true }
        }
        guard !(floats && ints) else { throw ModelError("\(label): mixes float and integer inputs") }
        let outer = first.shape[..<a].reduce(1, *), inner = first.shape[(a + 1)...].reduce(1, *)
        var shape = first.shape
        shape[a] = parts.reduce(0) { $0 + $1.shape[a] }
        _ = try checkedCount(shape, label: label)
        if floats {
            var values: [Float] = []
            for o in 0..<outer {
                for p in parts {
                    guard case .floats(let t) = p else { continue }
                    let row = p.shape[a] * inner
                    values += t.values[(o * row)..<((o + 1) * row)]
                }
            }
            return .floats(Tensor(shape: shape, values: values))
        }
        var values: [ONNXInteger] = []
        for o in 0..<outer {
            for p in parts {
                guard case .integers(_, let v) = p else { continue }
                let row = p.shape[a] * inner
                values += v[(o * row)..<((o + 1) * row)]
            }
        }
        return .integers(shape: shape, values: values)
    }

    /// Element-wise arithmetic with broadcasting of a one-element operand (or equal shapes). Integers divide
    /// truncating; an entry standing for the batch size does not take part in arithmetic.
    private static func arithmetic(_ op: String, _ x: ONNXConstant, _ y: ONNXConstant, label: String) throws -> ONNXConstant {
        let shape: [Int]
        if x.shape == y.shape {
            shape = x.shape
        } else if y.count == 1, y.shape.count <= x.shape.count {
            shape = x.shape
        } else if x.count == 1, x.shape.count <= y.shape.count {
            shape = y.shape
        } else {
            throw ModelError("\(label): operands of shapes \(x.shape) and \(y.shape) do not broadcast")
        }
        let n = max(x.count, y.count)
        if case .integers(_, let xs) = x, case .integers(_, let ys) = y {
            var out: [ONNXInteger] = []
            for i in 0..<n {
                guard let p = xs[xs.count == 1 ? 0 : i].value, let q = ys[ys.count == 1 ? 0 : i].value else {
                    throw ModelError("\(label): shape arithmetic on the batch size cannot be folded")
                }
                let (r, overflow): (Int, Bool)
                switch op {
                case "Add": (r, overflow) = p.addingReportingOverflow(q)
                case "Sub": (r, overflow) = p.subtractingReportingOverflow(q)
                case "Mul": (r, overflow) = p.multipliedReportingOverflow(by: q)
                default:
                    guard q != 0 else { throw ModelError("\(label): division by zero") }
                    (r, overflow) = p.dividedReportingOverflow(by: q)
                }
                guard !overflow else { throw ModelError("\(label): integer overflow") }
                out.append(.value(r))
            }
            return .integers(shape: shape, values: out)
        }
        guard case .floats(let xt) = x, case .floats(let yt) = y else {
            throw ModelError("\(label): mixes float and integer operands")
        }
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let p = xt.values[xt.count == 1 ? 0 : i], q = yt.values[yt.count == 1 ? 0 : i]
            switch op {
            case "Add": out[i] = p + q
            case "Sub": out[i] = p - q
            case "Mul": out[i] = p * q
            default: out[i] = p / q
            }
        }
        guard out.allSatisfy(\.isFinite) else { throw ModelError("\(label): a non-finite result") }
        return .floats(Tensor(shape: shape, values: out))
    }

    private static func cast(_ x: ONNXConstant, to type: Int, label: String) throws -> ONNXConstant {
        switch (type, x) {
        case (1, _), (11, _):
            guard let t = x.floatTensor else { throw ModelError("\(label): the batch size cannot be cast to float") }
            return .floats(t)
        case (6, .integers), (7, .integers):
            return x
        case (6, .floats(let t)), (7, .floats(let t)):
            guard t.values.allSatisfy({ abs($0) < 9e15 }) else { throw ModelError("\(label): value out of integer range") }
            return .integers(shape: t.shape, values: t.values.map { .value(Int($0)) })
        default:
            throw ModelError("\(label): cast to ONNX type \(type) is not supported")
        }
    }
}
