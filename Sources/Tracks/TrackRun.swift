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
    func finish() throws
}

/// Turns per-base values into maximal runs: adjacent bases of equal value become one run; zeros are left out (the
/// track line says `alwaysZero=on`, so browsers draw them as 0).
public final class RunMerger {
    private let sinks: [TrackSink]
    private var pending: TrackRun?

    public init(_ sinks: [TrackSink]) { self.sinks = sinks }

    public func add(contig: Int, position: Int, value: Float) throws {
        if var run = pending, run.contig == contig, run.end == position, run.value == value {
            run.end += 1
            pending = run
            return
        }
        try emit()
        pending = value == 0 ? nil : TrackRun(contig: contig, start: position, end: position + 1, value: value)
    }

    public func finish() throws {
        try emit()
        for sink in sinks { try sink.finish() }
    }

    private func emit() throws {
        guard let run = pending else { return }
        pending = nil
        for sink in sinks { try sink.write(run) }
    }
}

/// Keeps the runs in memory (for short regions answered on the spot, and for checks).
public final class CollectedRuns: TrackSink {
    public private(set) var runs: [TrackRun] = []
    public init() {}
    public func write(_ run: TrackRun) throws { runs.append(run) }
    public func finish() throws {}
}
