/// A stretch of bases with one value: `[start, end)` on the contig at `contig` in the index's contig order.
public struct TrackRun: Sendable, Equatable {
    public let contig: Int
    public let start: Int
    public var end: Int
    public let value: Float

    public init(contig: Int, start: Int, end: Int, value: Float) {
        self.contig = contig
        self.start = start
        self.end = end
        self.value = value
    }
}

/// Receives runs in genome order (contig index, then start), never overlapping.
public protocol TrackSink: AnyObject {
    func write(_ run: TrackRun) throws
    /// Runs in order, many at a time: what the file writers take, so that no call is made per run. The default
    /// writes them one by one.
    func write(contentsOf runs: [TrackRun]) throws
    func finish() throws
}

extension TrackSink {
    public func write(contentsOf runs: [TrackRun]) throws {
        for run in runs { try write(run) }
    }
}

/// Turns per-base values into maximal runs: adjacent bases of equal value become one run. Genome tracks keep zeros
/// (a covered base of zero relevance is a run of value 0; only bases nothing covered are absent); with
/// `keepsZeros: false` zeros are left out as well. Runs go to the sinks in blocks of `blockSize`.
public final class RunMerger {
    private let sinks: [TrackSink]
    public let keepsZeros: Bool
    private var pending: TrackRun?
    private var block: [TrackRun] = []
    static let blockSize = 1 << 14

    public init(_ sinks: [TrackSink], keepsZeros: Bool = false) {
        self.sinks = sinks
        self.keepsZeros = keepsZeros
        block.reserveCapacity(Self.blockSize)
    }

    /// One base.
    public func add(contig: Int, position: Int, value: Float) throws {
        try add(TrackRun(contig: contig, start: position, end: position + 1, value: value))
    }

    /// A run of bases, after every base added so far: it joins the last one when it continues it with the same value.
    public func add(_ run: TrackRun) throws {
        if var last = pending, last.contig == run.contig, last.end == run.start, last.value == run.value {
            last.end = run.end
            pending = last
            return
        }
        try emit()
        // -0 joins 0 and is stored as 0.
        pending = run.value == 0 && !keepsZeros ? nil : TrackRun(contig: run.contig, start: run.start, end: run.end, value: run.value == 0 ? 0 : run.value)
    }

    /// Consecutive bases from `start`: base `start + i` has `values[i]` if `present[i]` is non-zero, else nothing
    /// (it ends the run before it).
    public func add(contig: Int, start: Int, values: UnsafeBufferPointer<Float>, present: UnsafeBufferPointer<UInt8>) throws {
        precondition(values.count == present.count)
        let keepsZeros = self.keepsZeros
        var isOpen = false, runStart = 0, runEnd = 0, runValue: Float = 0
        if let run = pending {
            pending = nil
            if run.contig == contig {
                (isOpen, runStart, runEnd, runValue) = (true, run.start, run.end, run.value)
            } else {
                try append(run)
            }
        }
        var i = 0
        let n = values.count
        while i < n {
            let position = start + i
            if present[i] != 0 {
                let value = values[i]
                if isOpen && runValue == value && runEnd == position {
                    runEnd += 1
                } else {
                    if isOpen { try append(TrackRun(contig: contig, start: runStart, end: runEnd, value: runValue)) }
                    isOpen = value != 0 || keepsZeros
                    runStart = position
                    runEnd = position + 1
                    runValue = value == 0 ? 0 : value
                }
            } else if isOpen {
                try append(TrackRun(contig: contig, start: runStart, end: runEnd, value: runValue))
                isOpen = false
            }
            i += 1
        }
        if isOpen { pending = TrackRun(contig: contig, start: runStart, end: runEnd, value: runValue) }
    }

    public func finish() throws {
        try emit()
        try handOver()
        for sink in sinks { try sink.finish() }
    }

    private func emit() throws {
        guard let run = pending else { return }
        pending = nil
        try append(run)
    }

    private func append(_ run: TrackRun) throws {
        block.append(run)
        if block.count == Self.blockSize { try handOver() }
    }

    private func handOver() throws {
        guard !block.isEmpty else { return }
        var runs: [TrackRun] = []
        runs.reserveCapacity(Self.blockSize)
        swap(&runs, &block)
        for sink in sinks { try sink.write(contentsOf: runs) }
    }
}

/// Keeps the runs in memory (for checks).
public final class CollectedRuns: TrackSink {
    public private(set) var runs: [TrackRun] = []
    public init() {}
    public func write(_ run: TrackRun) throws { runs.append(run) }
    public func write(contentsOf runs: [TrackRun]) throws { self.runs += runs }
    public func finish() throws {}
}
