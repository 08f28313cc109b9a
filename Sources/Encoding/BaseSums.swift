/// Per-base scores of a `[4, L]` row (relevance, attributions, ISM effects laid out like one-hot input): the sum over
/// the four channels at each position. Every per-base track, seqlet score and metric goes through this one definition.
public enum BaseSums {
    /// The channel sums of one row; `row` holds `4 × length` values, channel-major.
    public static func of(_ row: ArraySlice<Float>, length: Int) -> [Float] {
        precondition(row.count == 4 * length, "a row holds 4 × length values")
        let o = row.startIndex
        return (0..<length).map { i in row[o + i] + row[o + length + i] + row[o + 2 * length + i] + row[o + 3 * length + i] }
    }

    /// The channel sums of every row of `[N, 4, L]` values.
    public static func rows(_ values: [Float], length: Int) -> [[Float]] {
        let stride = 4 * length
        return (0..<(stride == 0 ? 0 : values.count / stride)).map { of(values[($0 * stride)..<(($0 + 1) * stride)], length: length) }
    }
}
