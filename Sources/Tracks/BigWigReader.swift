import CBigWig
import Foundation

/// Reads intervals back from a bigWig (for checks and `plrp query` lookups).
public final class BigWigReader {
    private let file: UnsafeMutablePointer<bigWigFile_t>

    public init(path: String) throws {
        guard let file = bwOpen(path, nil, "r") else { throw TracksError("cannot open bigWig '\(path)'") }
        self.file = file
    }

    deinit { bwClose(file) }

    /// Contig names and sizes from the header, in file order.
    public var contigs: [(name: String, length: Int)] {
        guard let list = file.pointee.cl else { return [] }
        return (0..<Int(list.pointee.nKeys)).map { i in
            (String(cString: list.pointee.chrom[i]!), Int(list.pointee.len[i]))
        }
    }

    /// The stored intervals overlapping `[start, end)` of `contig`.
    public func intervals(contig: String, start: Int, end: Int) -> [(start: Int, end: Int, value: Float)] {
        guard let found = bwGetOverlappingIntervals(file, contig, UInt32(start), UInt32(end)) else { return [] }
        defer { bwDestroyOverlappingIntervals(found) }
        let o = found.pointee
        return (0..<Int(o.l)).map { (Int(o.start[$0]), Int(o.end[$0]), o.value[$0]) }
    }
}
