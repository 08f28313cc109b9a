import Foundation

/// Passes runs on to other sinks on a background thread, in blocks, so compressing the bedGraph and the bigWig
/// overlaps with computing the next windows. Order is kept (one serial queue); the first error is rethrown by `finish`.
/// At most `inFlight` blocks wait at a time, so a writer slower than the windows cannot make memory grow.
public final class BackgroundSink: TrackSink {
    private let sinks: [TrackSink]
    private let work = OrderedWork(label: "plrp.tracks", inFlight: 4)
    private var pending: [TrackRun] = []
    private static let block = 1 << 14

    public init(_ sinks: [TrackSink]) {
        self.sinks = sinks
        pending.reserveCapacity(Self.block)
    }

    public func write(_ run: TrackRun) throws {
        pending.append(run)
        if pending.count >= Self.block { try hand(over: false) }
    }

    public func finish() throws {
        try hand(over: true)
        try work.finish()
    }

    private func hand(over last: Bool) throws {
        let runs = pending
        pending.removeAll(keepingCapacity: true)
        let sinks = self.sinks
        try work.submit {
            for run in runs { for sink in sinks { try sink.write(run) } }
            if last { for sink in sinks { try sink.finish() } }
        }
    }
}
