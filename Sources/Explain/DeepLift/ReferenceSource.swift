import Encoding
import Model

/// The references DeepLIFT/SHAP compares each window with: dinucleotide-preserving shuffles of the window
/// (Altschul–Erickson), seeded by a seed and the window's index in the run so that they do not depend on threads or
/// batching, or references given as `[R, 4, L]` (shared by every window) or `[N, R, 4, L]` (per window of the run).
public enum ReferenceSource: Sendable {
    case shuffles(count: Int, seed: UInt64)
    case given(Tensor)

    /// References per window.
    public var count: Int {
        switch self {
        case .shuffles(let count, _): count
        case .given(let tensor): tensor.shape[tensor.shape.count - 3]
        }
    }

    /// `[n, R, 4, L]` for the windows of the run at `windows` (one index per item), whose one-hot values `batch` holds.
    public func references(for batch: Tensor, windows: [Int]) -> Tensor {
        let (n, length) = (batch.shape[0], batch.shape[2])
        precondition(windows.count == n, "one window index per item")
        let row = 4 * length
        switch self {
        case .given(let tensor):
            let r = count
            if tensor.shape.count == 3 {
                return Tensor(shape: [n, r, 4, length], values: Array((0..<n).map { _ in tensor.values }.joined()))
            }
            return Tensor(shape: [n, r, 4, length],
                          values: Array(windows.map { tensor.values[($0 * r * row)..<(($0 + 1) * r * row)] }.joined()))
        case .shuffles(let r, let seed):
            var values = [Float](repeating: 0, count: n * r * row)
            let letters = Array("ACGT".utf8)
            for i in 0..<n {
                var bases = [UInt8](repeating: UInt8(ascii: "N"), count: length)
                for t in 0..<length {
                    for c in 0..<4 where batch.values[i * row + c * length + t] == 1 { bases[t] = letters[c] }
                }
                var random = SeededRandom(seed: Self.windowSeed(seed, window: windows[i]))
                for k in 0..<r {
                    let shuffled = DinucleotideShuffle.shuffle(bases, using: &random)
                    let base = (i * r + k) * row
                    for t in 0..<length {
                        if let c = letters.firstIndex(of: shuffled[t]) { values[base + c * length + t] = 1 }
                    }
                }
            }
            return Tensor(shape: [n, r, 4, length], values: values)
        }
    }

    /// One stream per window: the run's seed and the window's index, mixed (SplitMix64's increment).
    static func windowSeed(_ seed: UInt64, window: Int) -> UInt64 {
        seed ^ (UInt64(window + 1) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Checks given references against the run: shape `[R, 4, L]` or `[windows, R, 4, L]`, values one-hot (each
    /// column all zero or a single 1). The message names what is wrong.
    public static func validate(_ tensor: Tensor, length: Int, windows: Int?) -> String? {
        let shape = tensor.shape
        guard (shape.count == 3 || shape.count == 4), shape.suffix(2) == [4, length], shape[shape.count - 3] > 0 else {
            return "references must be [R, 4, \(length)] or [N, R, 4, \(length)], got \(shape)"
        }
        if shape.count == 4, let windows, shape[0] != windows {
            return "references hold \(shape[0]) windows, the run has \(windows)"
        }
        let columns = tensor.count / 4
        for column in 0..<columns {
            let item = column / length, t = column % length
            var total: Float = 0
            for c in 0..<4 {
                let v = tensor.values[(item * 4 + c) * length + t]
                guard v == 0 || v == 1 else { return "references are not one-hot: value \(v) at reference \(item), position \(t)" }
                total += v
            }
            guard total <= 1 else { return "references are not one-hot: several bases at reference \(item), position \(t)" }
        }
        return nil
    }
}
