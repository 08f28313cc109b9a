import CBigWig
import Foundation

/// Reads a bigWig through libBigWig: its header, intervals and binned statistics (for checks, and for `plrp merge`
/// to learn the contigs of the shards' tracks).
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

    /// Bases per zoom bin of each zoom level, finest first.
    public var zoomReductions: [Int] {
        guard let header = file.pointee.hdr, let zoom = header.pointee.zoomHdrs else { return [] }
        return (0..<Int(header.pointee.nLevels)).map { Int(zoom.pointee.level[$0]) }
    }

    /// The statistics a bigWig can answer for a bin.
    public enum Statistic: Int32 {
        case mean = 0, maximum = 2, minimum = 3, coverage = 4
    }

    /// `statistic` of each of `bins` equal bins of `[start, end)` (coverage as the fraction of bases with data; NaN
    /// for a bin without data). Read from the zoom level that suits the bin size, as genome browsers do, or from the
    /// full data with `exact`. Nil for an unknown contig.
    public func summary(contig: String, start: Int, end: Int, bins: Int, statistic: Statistic, exact: Bool = false) -> [Double]? {
        let type = bwStatsType(rawValue: statistic.rawValue)
        let read = exact ? bwStatsFromFull : bwStats
        guard let values = read(file, contig, UInt32(start), UInt32(end), UInt32(bins), type) else { return nil }
        defer { free(values) }
        return Array(UnsafeBufferPointer(start: values, count: bins))
    }
}
