import CHTSlib
import Foundation

/// A coordinate-sorted, indexed BAM or CRAM file. CRAM needs the reference FASTA it was written against.
public final class AlignmentFile {
    public let path: String
    public let contigs: ContigTable
    private let file: UnsafeMutablePointer<htsFile>
    private let header: UnsafeMutablePointer<sam_hdr_t>
    private let index: OpaquePointer
    private let record: UnsafeMutablePointer<bam1_t>

    public init(path: String, reference: String? = nil) throws {
        _ = HTSLog.silenced
        try FileProblem.requireReadableFile(path, what: "alignment file")
        guard let file = hts_open(path, "r") else {
            throw GenomeIOError.data("cannot open alignment file '\(path)'")
        }
        let format = hts_get_format(file).pointee
        guard format.category == sequence_data, format.format == bam || format.format == cram
                || format.format == sam else {
            hts_close(file)
            throw GenomeIOError.data("'\(path)' is not a BAM, CRAM or SAM file")
        }
        if format.format == cram {
            guard let reference else {
                hts_close(file)
                throw GenomeIOError.usage("'\(path)' is CRAM: give the reference it was written against with --reference")
            }
            do {
                try FileProblem.requireReadableFile(reference, what: "reference FASTA")
            } catch {
                hts_close(file)
                throw error
            }
            hts_set_fai_filename(file, reference)
        }
        guard let header = sam_hdr_read(file) else {
            hts_close(file)
            throw GenomeIOError.data("cannot read the header of '\(path)': truncated or corrupt file")
        }
        guard let index = sam_index_load(file, path) else {
            sam_hdr_destroy(header)
            hts_close(file)
            throw GenomeIOError.data("alignment file '\(path)' has no index (.bai/.csi/.crai): run 'samtools index \(path)'")
        }
        self.file = file
        self.header = header
        self.index = index
        self.record = bam_init1()
        self.path = path
        var list: [Contig] = []
        for tid in 0..<sam_hdr_nref(header) {
            list.append(Contig(name: String(cString: sam_hdr_tid2name(header, tid)),
                               length: Int(sam_hdr_tid2len(header, tid))))
        }
        contigs = ContigTable(list)
    }

    deinit {
        bam_destroy1(record)
        hts_idx_destroy(index)
        sam_hdr_destroy(header)
        hts_close(file)
    }

    /// Calls `body` for each read overlapping `region` that passes `filter`, in file order.
    public func forEachRead(in region: GenomicRegion, filter: ReadFilter,
                            _ body: (AlignedRead) throws -> Void) throws {
        guard let tid = contigs.index(of: region.contig) else {
            throw GenomeIOError.data("unknown contig '\(region.contig)' in '\(path)'")
        }
        guard let iterator = sam_itr_queryi(index, Int32(tid), hts_pos_t(region.start), hts_pos_t(region.end)) else {
            throw GenomeIOError.data("cannot query \(region) in '\(path)': corrupt index")
        }
        defer { plrp_hts_itr_destroy(iterator) }
        while true {
            let status = plrp_sam_itr_next(file, iterator, record)
            if status == -1 { break }
            guard status >= 0 else {
                throw GenomeIOError.data("cannot read '\(path)' in \(region): truncated or corrupt file")
            }
            let core = record.pointee.core
            guard filter.accepts(flag: core.flag, mappingQuality: Int(core.qual)) else { continue }
            try body(try decode(contig: region.contig))
        }
    }

    private static let baseCodes = Array("=ACMGRSVTWYHKDBN".utf8)
    private static let cigarKinds: [CigarOperation.Kind] = [
        .match, .insertion, .deletion, .skip, .softClip, .hardClip, .padding, .equal, .mismatch,
    ]

    private func decode(contig: String) throws -> AlignedRead {
        let core = record.pointee.core
        let codes = Self.baseCodes
        let packed = plrp_bam_seq(record)!
        let length = Int(core.l_qseq)
        var sequence = [UInt8](repeating: 0, count: length)
        for i in 0..<length { sequence[i] = codes[Int(plrp_bam_seqi(packed, Int32(i)))] }
        let rawCigar = plrp_bam_cigar(record)!
        var cigar: [CigarOperation] = []
        cigar.reserveCapacity(Int(core.n_cigar))
        for i in 0..<Int(core.n_cigar) {
            let op = rawCigar[i]
            let kind = Int(plrp_bam_cigar_op(op))
            guard kind < Self.cigarKinds.count else {
                throw GenomeIOError.data("'\(path)': read '\(String(cString: plrp_bam_qname(record)))' has an invalid CIGAR operation")
            }
            cigar.append(CigarOperation(kind: Self.cigarKinds[kind], length: Int(plrp_bam_cigar_oplen(op))))
        }
        return AlignedRead(
            name: String(cString: plrp_bam_qname(record)), contig: contig, start: Int(core.pos),
            end: Int(bam_endpos(record)), flag: core.flag, mappingQuality: Int(core.qual),
            isReverse: core.flag & 0x10 != 0, sequence: sequence, cigar: cigar)
    }
}
