import GenomeIO

/// How overlapping windows combine into one value per base.
public enum Aggregation: String, Sendable, CaseIterable {
    /// The mean over the windows covering the base.
    case mean
    /// The value of largest magnitude among the covering windows (the earlier window on a tie).
    case maxAbs = "max-abs"
    /// The value from the covering window whose centre is nearest the base (the earlier window on a tie).
    case center
}

/// Combines per-base values of windows arriving in genome order into one value per base, streaming: a base is passed
/// on as soon as no later window can cover it, so memory holds only the span of the windows still open.
public final class TrackAggregator {
    public let contigs: ContigTable
    public let mode: Aggregation
    private let output: RunMerger
    private var contig = -1
    /// Genome position of `sum[head]`; everything before it has been passed on.
    private var origin = 0
    private var lastStart = 0
    private var head = 0
    private var sum: [Double] = []
    private var count: [Int32] = []
    private var best: [Float] = []
    /// max-abs: |best|; center: twice the distance to the chosen window's centre.
    private var key: [Float] = []

    public init(contigs: ContigTable, mode: Aggregation, output: RunMerger) {
        self.contigs = contigs
        self.mode = mode
        self.output = output
    }

    /// Adds a window starting at `start` whose bases are consecutive positions (genome windows).
    public func add(contig name: String, start: Int, end: Int, values: ArraySlice<Float>) throws {
        try open(contig: name, start: start)
        let length = contigs[contig].length
        var position = start
        for value in values {
            if position >= length { break }
            if position >= 0 { put(position, value, windowStart: start, windowEnd: end) }
            position += 1
        }
    }

    /// Adds a window whose base i lands at `positions[i]` (−1: nowhere); `start` must be its lowest position.
    public func add(contig name: String, start: Int, end: Int, positions: [Int], values: ArraySlice<Float>) throws {
        try open(contig: name, start: start)
        let length = contigs[contig].length
        for (position, value) in zip(positions, values) where position >= start && position < length {
            put(position, value, windowStart: start, windowEnd: end)
        }
    }

    /// Passes on every remaining base and closes the sinks.
    public func finish() throws {
        try flush(upTo: Int.max)
        try output.finish()
    }

    private func open(contig name: String, start: Int) throws {
        guard let index = contigs.index(of: name) else {
            throw TracksError("track: contig '\(name)' is not in the sequence index")
        }
        if index != contig {
            guard index > contig else {
                throw TracksError("track: windows are not in genome order (\(name) after \(contigs[contig].name))")
            }
            try flush(upTo: Int.max)
            contig = index
            origin = max(0, start)
            lastStart = start
            return
        }
        guard start >= lastStart else {
            throw TracksError("track: windows are not in genome order (\(name):\(start) after \(name):\(lastStart))")
        }
        lastStart = start
        try flush(upTo: start)
    }

    private func put(_ position: Int, _ value: Float, windowStart: Int, windowEnd: Int) {
        let i = head + position - origin
        if i >= sum.count {
            let grow = i + 1 - sum.count
            sum.append(contentsOf: repeatElement(0, count: grow))
            count.append(contentsOf: repeatElement(0, count: grow))
            best.append(contentsOf: repeatElement(0, count: grow))
            key.append(contentsOf: repeatElement(0, count: grow))
        }
        switch mode {
        case .mean:
            sum[i] += Double(value)
        case .maxAbs:
            if count[i] == 0 || abs(value) > key[i] { best[i] = value; key[i] = abs(value) }
        case .center:
            let distance = Float(abs(2 * position + 1 - (windowStart + windowEnd)))
            if count[i] == 0 || distance < key[i] { best[i] = value; key[i] = distance }
        }
        count[i] += 1
    }

    /// Passes on bases before `limit` (all of them for Int.max).
    private func flush(upTo limit: Int) throws {
        guard contig >= 0 else { return }
        let available = sum.count - head
        let n = limit == Int.max ? available : min(available, max(0, limit - origin))
        for k in 0..<n {
            let i = head + k
            if count[i] > 0 {
                let value = mode == .mean ? Float(sum[i] / Double(count[i])) : best[i]
                try output.add(contig: contig, position: origin + k, value: value)
            }
        }
        head += n
        origin += limit == Int.max ? n : max(0, limit - origin)
        if head == sum.count || limit == Int.max {
            sum.removeAll(keepingCapacity: true)
            count.removeAll(keepingCapacity: true)
            best.removeAll(keepingCapacity: true)
            key.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1 << 16 && head * 2 > sum.count {
            sum.removeFirst(head)
            count.removeFirst(head)
            best.removeFirst(head)
            key.removeFirst(head)
            head = 0
        }
    }
}
