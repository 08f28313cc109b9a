import CHTSlib
import Foundation

/// A FASTA file read through htslib's faidx, plain or BGZF-compressed. The `.fai` (and `.gzi`) index is built next to
/// the file when missing; that needs a writable folder.
public final class FastaFile {
    public let path: String
    public let contigs: ContigTable
    private let handle: OpaquePointer

    public init(path: String) throws {
        _ = HTSLog.silenced
        try FileProblem.requireReadableFile(path, what: "FASTA")
        let compression = Compression.detect(path: path)
        if compression == .gzip {
            throw GenomeIOError.data("FASTA '\(path)' is gzip-compressed but not BGZF: recompress it with 'bgzip' to index it")
        }
        if compression == .bgzf { try Self.checkEOFMarker(path) }
        let fm = FileManager.default
        let faiMissing = !fm.fileExists(atPath: path + ".fai")
        let gziMissing = compression == .bgzf && !fm.fileExists(atPath: path + ".gzi")
        if faiMissing || gziMissing {
            let folder = PathName.folder(of: path)
            guard fm.isWritableFile(atPath: folder) else {
                let missing = faiMissing ? "\(path).fai" : "\(path).gzi"
                throw GenomeIOError.data("FASTA index '\(missing)' is missing and cannot be built: folder '\(folder)' is not writable (run 'samtools faidx' where you can write)")
            }
            guard fai_build(path) == 0 else {
                throw GenomeIOError.data("cannot build the FASTA index of '\(path)': not a valid FASTA file (records must have equal line lengths)")
            }
        }
        guard let fai = fai_load3(path, nil, nil, 0) else {
            throw GenomeIOError.data("cannot load the FASTA index of '\(path)' (delete '\(path).fai' to rebuild it)")
        }
        var list: [Contig] = []
        let n = faidx_nseq(fai)
        list.reserveCapacity(Int(n))
        for i in 0..<n {
            guard let cName = faidx_iseq(fai, i) else { continue }
            let name = String(cString: cName)
            list.append(Contig(name: name, length: Int(faidx_seq_len(fai, cName))))
        }
        if list.isEmpty {
            fai_destroy(fai)
            throw GenomeIOError.data("FASTA '\(path)' has no sequences")
        }
        handle = fai
        self.path = path
        contigs = ContigTable(list)
    }

    deinit { fai_destroy(handle) }

    /// Replaces `buffer` with the bases of `contig` in [start, end) as stored in the file (case kept).
    /// The range must lie within the contig.
    public func fetch(contig: String, start: Int, end: Int, into buffer: inout [UInt8]) throws {
        precondition(start >= 0 && start <= end, "fetch range must be ordered")
        buffer.removeAll(keepingCapacity: true)
        guard end > start else { return }
        var length: hts_pos_t = 0
        guard let bases = faidx_fetch_seq64(handle, contig, hts_pos_t(start), hts_pos_t(end - 1), &length) else {
            throw GenomeIOError.data("cannot read \(GenomicRegion(contig: contig, start: start, end: end)) from '\(path)': the file is truncated or corrupt")
        }
        defer { free(bases) }
        guard length == end - start else {
            throw GenomeIOError.data("cannot read \(GenomicRegion(contig: contig, start: start, end: end)) from '\(path)': got \(length) bases, expected \(end - start) (stale index?)")
        }
        bases.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { pointer in
            buffer.append(contentsOf: UnsafeBufferPointer(start: pointer, count: Int(length)))
        }
    }

    /// The bases of a region as a string, for small look-ups and tests.
    public func sequence(of region: GenomicRegion) throws -> String {
        var buffer: [UInt8] = []
        try fetch(contig: region.contig, start: region.start, end: region.end, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    private static func checkEOFMarker(_ path: String) throws {
        guard let bgzf = bgzf_open(path, "r") else {
            throw GenomeIOError.data("cannot open BGZF file '\(path)'")
        }
        defer { bgzf_close(bgzf) }
        if bgzf_check_EOF(bgzf) == 0 {
            throw GenomeIOError.data("BGZF file '\(path)' is truncated (no end-of-file marker)")
        }
    }
}
