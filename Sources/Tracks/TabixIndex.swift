import CHTSlib
import Foundation

/// A tabix index (`.tbi`) built while a bedGraph is written, from each line's contig, interval and the BGZF offset
/// after it: the index `tabix -p bed`-style reading of the finished file would build (`tbx_index_build2` with BED
/// columns, 0-based starts, one skipped header line), without reading the file back.
final class TabixIndex {
    private var index: OpaquePointer?
    /// Contig index (in the sequence index) → tabix id, in order of first appearance, as tabix numbers them.
    private var ids: [Int: Int32] = [:]
    private var names: [[UInt8]] = []
    private var lastContig = -1
    private var lastId: Int32 = -1
    private let contigName: (Int) -> [UInt8]

    /// `offset0`: the virtual offset after the header line. `contigName` gives a contig's name by its index.
    init(offset0: Int64, contigName: @escaping (Int) -> [UInt8]) throws {
        // Tabix's own shape: linear index of 16 kb windows (min_shift 14), 5 bin levels.
        guard let index = hts_idx_init(0, HTS_FMT_TBI, UInt64(offset0), 14, 5) else { throw TracksError("cannot start a tabix index") }
        self.index = index
        self.contigName = contigName
    }

    deinit { if let index { hts_idx_destroy(index) } }

    /// A line of `[start, end)` on `contig` that ends at virtual offset `offset`.
    func push(contig: Int, start: Int, end: Int, offset: Int64) throws {
        if contig != lastContig {
            if let id = ids[contig] {
                lastId = id
            } else {
                lastId = Int32(names.count)
                ids[contig] = lastId
                names.append(contigName(contig))
            }
            lastContig = contig
        }
        guard hts_idx_push(index, lastId, hts_pos_t(start), hts_pos_t(end), UInt64(offset), 1) == 0 else {
            throw TracksError("cannot index the bedGraph: lines out of order")
        }
    }

    /// Completes the index at `finalOffset` (the end of the data) and writes it to `indexPath` (`path` is the
    /// bedGraph's name, which the index does not record).
    func write(finalOffset: Int64, path: String, indexPath: String) throws {
        guard let index else { return }
        guard hts_idx_finish(index, UInt64(finalOffset)) == 0 else { throw TracksError("cannot complete the tabix index of '\(path)'") }
        // The meta block: the configuration tabix was built with (BED columns, UCSC 0-based starts, '#' comments,
        // one line skipped), then the contig names, NUL-terminated, by id.
        var meta: [UInt8] = []
        let nameBytes = names.reduce(0) { $0 + $1.count + 1 }
        for field in [Int32(TBX_UCSC), 1, 2, 3, Int32(UInt8(ascii: "#")), 1, Int32(nameBytes)] {
            withUnsafeBytes(of: field.littleEndian) { meta.append(contentsOf: $0) }
        }
        for name in names { meta.append(contentsOf: name); meta.append(0) }
        guard meta.withUnsafeMutableBufferPointer({ hts_idx_set_meta(index, UInt32($0.count), $0.baseAddress, 1) }) == 0,
              hts_idx_save_as(index, path, indexPath, HTS_FMT_TBI) == 0 else {
            throw TracksError("cannot write the tabix index '\(indexPath)'")
        }
    }
}
