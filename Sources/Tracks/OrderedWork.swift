import Foundation

/// Jobs run one after another on a background thread, in the order they were submitted, so that writing results
/// overlaps computing the next ones. At most `inFlight` jobs wait at a time (a slow writer cannot make memory grow);
/// after a job fails the rest are skipped and the first error is rethrown by the next `submit` or by `finish`.
public final class OrderedWork: @unchecked Sendable {
    private let queue: DispatchQueue
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: Error?

    public init(label: String, inFlight: Int) {
        queue = DispatchQueue(label: label)
        slots = DispatchSemaphore(value: inFlight)
    }

    public func submit(_ job: @escaping () throws -> Void) throws {
        try rethrow()
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard lock.withLock({ failure }) == nil else { return }
            do {
                try job()
            } catch {
                lock.withLock { if failure == nil { failure = error } }
            }
        }
    }

    /// Waits for every submitted job.
    public func finish() throws {
        queue.sync {}
        try rethrow()
    }

    private func rethrow() throws {
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
