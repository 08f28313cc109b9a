import CKernels
import Dispatch

/// Where layers run: a fixed number of worker threads over batch items. OpenBLAS itself is held to one thread so
/// that it does not compete with these workers; work is cut into chunks whose boundaries do not depend on the thread
/// count, so results are bit-identical for any `threads`.
public struct Compute: Sendable {
    public let threads: Int

    public init(threads: Int = 1) {
        self.threads = max(1, threads)
    }

    /// Calls `body(range)` for consecutive ranges of `0..<count` of at most `chunk` items, on up to `threads` threads.
    public func forEachChunk(of count: Int, chunk: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = (count + chunk - 1) / chunk
        func range(_ c: Int) -> Range<Int> { (c * chunk)..<min(count, (c + 1) * chunk) }
        if threads == 1 || chunks == 1 {
            for c in 0..<chunks { body(range(c)) }
            return
        }
        let workers = min(threads, chunks)
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for c in stride(from: worker, to: chunks, by: workers) { body(range(c)) }
            }
        }
    }
}

extension Compute {
    /// Like `forEachChunk`, collecting each chunk's result in chunk order.
    public func mapChunks<T>(of count: Int, chunk: Int, _ body: (Range<Int>) -> T) -> [T] {
        let chunks = count == 0 ? 0 : (count + chunk - 1) / chunk
        var results = [T?](repeating: nil, count: chunks)
        results.withUnsafeMutableBufferPointer { slots in
            let shared = SharedSlots(base: slots.baseAddress!)
            forEachChunk(of: count, chunk: chunk) { range in shared.base[range.lowerBound / chunk] = body(range) }
        }
        return results.map { $0! }
    }
}

/// Result slots written by workers, one slot each.
private struct SharedSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T?>
}

/// C = alpha·op(A)·op(B) + beta·C, row-major, on raw buffers.
@inline(__always)
func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
           a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
           beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    plrp_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
               beta, c, Int32(ldc))
}

extension Array where Element == Float {
    /// Shares the storage of a `var` array with concurrent workers that each write disjoint parts.
    mutating func withSharedMutablePointer<R>(_ body: (SharedPointer) throws -> R) rethrows -> R {
        try withUnsafeMutableBufferPointer { try body(SharedPointer(base: $0.baseAddress!)) }
    }
}

/// A pointer handed to worker threads that write disjoint ranges.
struct SharedPointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
}
