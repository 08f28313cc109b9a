import CHTSlib
import Foundation

/// A FASTA file read through htslib's faidx, plain or BGZF-compressed. The `.fai` (and `.gzi`) index is built next to
/// the file when missing; that needs a writable folder.
public final class FastaFile {
    public let path: String
    public let contigs: ContigTable
    private let handle: OpaquePointer
    /// Bulk reads: the file through BGZF (which also reads plain files) and the `.fai` layout of each contig.
    private let stream: UnsafeMutablePointer<BGZF>
    private let layout: [String: Layout]
    private var raw: [UInt8] = []

    /// Where a contig's bases are in the file (`.fai` columns 3–5).
    private struct Layout {
        let offset: Int
        let lineBases: Int
        let lineWidth: Int
    }

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
        let layout = try Self.readLayout(path + ".fai")
        guard let stream = bgzf_open(path, "r") else {
            fai_destroy(fai)
            throw GenomeIOError.data("cannot open FASTA '\(path)'")
        }
        if compression == .bgzf && bgzf_index_load(stream, path, ".gzi") != 0 {
            bgzf_close(stream)
            fai_destroy(fai)
            throw GenomeIOError.data("cannot load '\(path).gzi' (delete it and the .fai to rebuild them)")
        }
        handle = fai
        self.stream = stream
        self.layout = layout
        self.path = path
        contigs = ContigTable(list)
    }

    deinit {
        bgzf_close(stream)
        fai_destroy(handle)
    }

    private static func readLayout(_ faiPath: String) throws -> [String: Layout] {
        guard let data = FileManager.default.contents(atPath: faiPath) else {
            throw GenomeIOError.data("cannot read FASTA index '\(faiPath)'")
        }
        var layout: [String: Layout] = [:]
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let fields = line.split(separator: "\t")
            guard fields.count >= 5, let offset = Int(fields[2]), let bases = Int(fields[3]), let width = Int(fields[4]),
                  bases > 0, width >= bases else {
                throw GenomeIOError.data("\(faiPath):\(index + 1): malformed FASTA index line (delete the index to rebuild it)")
            }
            layout[String(fields[0])] = Layout(offset: offset, lineBases: bases, lineWidth: width)
        }
        return layout
    }

    /// Replaces `buffer` with the bases of `contig` in [start, end) as stored in the file (case kept).
    /// The range must lie within the contig. Reads the span in one block and drops line ends, rather than going
    /// through faidx's byte-at-a-time reader.
    public func fetch(contig: String, start: Int, end: Int, into buffer: inout [UInt8]) throws {
        precondition(start >= 0 && start <= end, "fetch range must be ordered")
        buffer.removeAll(keepingCapacity: true)
        guard end > start else { return }
        let region = GenomicRegion(contig: contig, start: start, end: end)
        guard let place = layout[contig] else { throw GenomeIOError.data("unknown contig '\(contig)' in '\(path)'") }
        func byte(_ position: Int) -> Int {
            place.offset + (position / place.lineBases) * place.lineWidth + position % place.lineBases
        }
        let first = byte(start), count = byte(end - 1) - first + 1
        // bgzf_useek takes an offset in the uncompressed stream, for BGZF (through the .gzi) and plain files alike.
        guard bgzf_useek(stream, off_t(first), SEEK_SET) >= 0 else {
            throw GenomeIOError.data("cannot read \(region) from '\(path)': the file is truncated or corrupt")
        }
        if raw.count < count { raw = [UInt8](repeating: 0, count: count) }
        let got = raw.withUnsafeMutableBytes { bgzf_read(stream, $0.baseAddress, count) }
        guard got == count else {
            throw GenomeIOError.data("cannot read \(region) from '\(path)': the file is truncated or corrupt")
        }
        buffer.reserveCapacity(end - start)
        raw.withUnsafeBufferPointer { bytes in
            for i in 0..<count {
                let b = bytes[i]
                if b != 10 && b != 13 { buffer.append(b) }
            }
        }
        guard buffer.count == end - start else {
            throw GenomeIOError.data("cannot read \(region) from '\(path)': got \(buffer.count) bases, expected \(end - start) (stale index?)")
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
