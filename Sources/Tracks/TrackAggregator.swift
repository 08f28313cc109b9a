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
/// on as soon as no later window can cover it, so memory holds only the span of the windows still open. Every base
/// a window covered is passed on (zeros too), clipped to the contig and, when given, to `extent`.
public final class TrackAggregator {
    public let contigs: ContigTable
    public let mode: Aggregation
    public let extent: TrackExtent?
    private let output: RunMerger
    private var contig = -1
    /// Genome position of buffer index `head`; everything before it has been passed on.
    private var origin = 0
    private var lastStart = 0
    private var head = 0
    /// Buffered bases from `head` (buffer indices `head..<head + filled`).
    private var filled = 0
    private var count: [Int32] = []
    /// mean: the sum of the covering values.
    private var sum: [Double] = []
    /// max-abs and center: the chosen value, and |value| (max-abs) or twice the distance to its window's centre.
    private var best: [Float] = []
    private var key: [Float] = []
    /// The first span of `extent` that can still hold a base of a window to come.
    private var span = 0
    private var values: [Float] = []
    private var present: [UInt8] = []

    public init(contigs: ContigTable, mode: Aggregation, extent: TrackExtent? = nil, output: RunMerger) {
        self.contigs = contigs
        self.mode = mode
        self.extent = extent
        self.output = output
    }

    /// Adds a window starting at `start` whose bases are consecutive positions (genome windows).
    public func add(contig name: String, start: Int, end: Int, values: ArraySlice<Float>) throws {
        try open(contig: name, start: start)
        let last = min(start + values.count, contigs[contig].length)
        values.withUnsafeBufferPointer { window in
            forEachKeptPart(of: max(0, start)..<last) { part in
                accumulate(UnsafeBufferPointer(rebasing: window[(part.lowerBound - start)..<(part.upperBound - start)]),
                           at: part.lowerBound, windowStart: start, windowEnd: end)
            }
        }
    }

    /// Adds a window whose base i lands at `positions[i]` (−1: nowhere); `start` must be its lowest position.
    public func add(contig name: String, start: Int, end: Int, positions: [Int], values: ArraySlice<Float>) throws {
        try open(contig: name, start: start)
        let length = contigs[contig].length
        var j = span, previous = Int.min
        let spans = extent?.spans
        for (position, value) in zip(positions, values) where position >= start && position < length {
            if let spans {
                if position < previous { j = span }
                previous = position
                while j < spans.count, spans[j].contig == contig, spans[j].end <= position { j += 1 }
                guard j < spans.count, spans[j].contig == contig, spans[j].start <= position else { continue }
            }
            withUnsafePointer(to: value) { accumulate(UnsafeBufferPointer(start: $0, count: 1), at: position, windowStart: start, windowEnd: end) }
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
        } else {
            guard start >= lastStart else {
                throw TracksError("track: windows are not in genome order (\(name):\(start) after \(name):\(lastStart))")
            }
            lastStart = start
            try flush(upTo: start)
        }
        if let spans = extent?.spans {
            while span < spans.count, spans[span].contig < contig || (spans[span].contig == contig && spans[span].end <= start) {
                span += 1
            }
        }
    }

    /// Calls `body` with the parts of `range` (on the current contig) inside the extent, in order.
    private func forEachKeptPart(of range: Range<Int>, _ body: (Range<Int>) -> Void) {
        guard !range.isEmpty else { return }
        guard let spans = extent?.spans else { return body(range) }
        var j = span
        while j < spans.count, spans[j].contig == contig, spans[j].start < range.upperBound {
            let part = max(range.lowerBound, spans[j].start)..<min(range.upperBound, spans[j].end)
            if !part.isEmpty { body(part) }
            j += 1
        }
    }

    /// Adds `window` values at consecutive positions from `position`.
    private func accumulate(_ window: UnsafeBufferPointer<Float>, at position: Int, windowStart: Int, windowEnd: Int) {
        let first = head + position - origin
        reserve(upTo: first + window.count)
        filled = max(filled, first + window.count - head)
        let n = window.count
        count.withUnsafeMutableBufferPointer { count in
            switch mode {
            case .mean:
                sum.withUnsafeMutableBufferPointer { sum in
                    for k in 0..<n {
                        sum[first + k] += Double(window[k])
                        count[first + k] += 1
                    }
                }
            case .maxAbs:
                best.withUnsafeMutableBufferPointer { best in
                    key.withUnsafeMutableBufferPointer { key in
                        for k in 0..<n {
                            let value = window[k], magnitude = abs(value)
                            if count[first + k] == 0 || magnitude > key[first + k] { best[first + k] = value; key[first + k] = magnitude }
                            count[first + k] += 1
                        }
                    }
                }
            case .center:
                best.withUnsafeMutableBufferPointer { best in
                    key.withUnsafeMutableBufferPointer { key in
                        let centre = windowStart + windowEnd
                        for k in 0..<n {
                            let distance = Float(abs(2 * (position + k) + 1 - centre))
                            if count[first + k] == 0 || distance < key[first + k] { best[first + k] = window[k]; key[first + k] = distance }
                            count[first + k] += 1
                        }
                    }
                }
            }
        }
    }

    /// Makes buffer indices below `end` usable (zeroed).
    private func reserve(upTo end: Int) {
        guard end > count.count else { return }
        let grow = end - count.count
        count.append(contentsOf: repeatElement(0, count: grow))
        if mode == .mean {
            sum.append(contentsOf: repeatElement(0, count: grow))
        } else {
            best.append(contentsOf: repeatElement(0, count: grow))
            key.append(contentsOf: repeatElement(0, count: grow))
        }
    }

    /// Passes on bases before `limit` (all of them for Int.max).
    private func flush(upTo limit: Int) throws {
        guard contig >= 0 else { return }
        let n = limit == Int.max ? filled : min(filled, max(0, limit - origin))
        if n > 0 {
            if values.count < n {
                values = [Float](repeating: 0, count: n)
                present = [UInt8](repeating: 0, count: n)
            }
            let head = self.head, mean = mode == .mean
            count.withUnsafeBufferPointer { count in
                sum.withUnsafeBufferPointer { sum in
                    best.withUnsafeBufferPointer { best in
                        values.withUnsafeMutableBufferPointer { values in
                            present.withUnsafeMutableBufferPointer { present in
                                for k in 0..<n {
                                    let covering = count[head + k]
                                    present[k] = covering > 0 ? 1 : 0
                                    values[k] = covering == 0 ? 0 : mean ? Float(sum[head + k] / Double(covering)) : best[head + k]
                                }
                            }
                        }
                    }
                }
            }
            try values.withUnsafeBufferPointer { values in
                try present.withUnsafeBufferPointer { present in
                    try output.add(contig: contig, start: origin, values: UnsafeBufferPointer(rebasing: values[..<n]),
                                   present: UnsafeBufferPointer(rebasing: present[..<n]))
                }
            }
        }
        head += n
        filled -= n
        origin = limit == Int.max ? origin + n : max(origin + n, limit)
        if filled == 0 {
            head = 0
            count.removeAll(keepingCapacity: true)
            sum.removeAll(keepingCapacity: true)
            best.removeAll(keepingCapacity: true)
            key.removeAll(keepingCapacity: true)
        } else if head > 1 << 16 && head * 2 > count.count {
            count.removeFirst(head)
            if mode == .mean { sum.removeFirst(head) } else { best.removeFirst(head); key.removeFirst(head) }
            head = 0
        }
    }
}
