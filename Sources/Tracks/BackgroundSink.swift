import Foundation

/// Passes runs on to another sink on a background thread, in blocks, so compressing the bedGraph and the bigWig
/// overlaps with computing the next windows. Order is kept (one serial queue); the first error is rethrown by `finish`.
/// At most `inFlight` blocks wait at a time, so a writer slower than the windows cannot make memory grow.
public final class BackgroundSink: TrackSink {
    private let sink: TrackSink
    private let work = OrderedWork(label: "plrp.tracks", inFlight: 4)
    private var pending: [TrackRun] = []
    private static let block = 1 << 14

    public init(_ sink: TrackSink) { self.sink = sink }

    public func write(_ run: TrackRun) throws {
        pending.append(run)
        if pending.count >= Self.block { try handOverPending() }
    }

    /// Hands `runs` over as one block (after any single runs written before).
    public func write(contentsOf runs: [TrackRun]) throws {
        try handOverPending()
        let sink = self.sink
        try work.submit { try sink.write(contentsOf: runs) }
    }

    public func finish() throws {
        try handOverPending()
        let sink = self.sink
        try work.submit { try sink.finish() }
        try work.finish()
    }

    private func handOverPending() throws {
        guard !pending.isEmpty else { return }
        let runs = pending
        pending.removeAll(keepingCapacity: true)
        let sink = self.sink
        try work.submit { try sink.write(contentsOf: runs) }
    }
}
