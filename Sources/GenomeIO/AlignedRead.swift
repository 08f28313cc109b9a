/// One CIGAR operation.
public struct CigarOperation: Sendable, Equatable {
    public enum Kind: Character, Sendable {
        case match = "M", insertion = "I", deletion = "D", skip = "N", softClip = "S", hardClip = "H",
             padding = "P", equal = "=", mismatch = "X"

        var consumesQuery: Bool {
            switch self {
            case .match, .insertion, .softClip, .equal, .mismatch: true
            default: false
            }
        }

        var consumesReference: Bool {
            switch self {
            case .match, .deletion, .skip, .equal, .mismatch: true
            default: false
            }
        }
    }

    public let kind: Kind
    public let length: Int
}

/// An aligned read as stored in BAM/CRAM: bases in reference-forward orientation (reverse-strand reads are stored
/// reverse-complemented, as in SAM), with the CIGAR that places them on the reference.
public struct AlignedRead: Sendable {
    public let name: String
    public let contig: String
    /// 0-based leftmost reference position of the first aligned base.
    public let start: Int
    /// 0-based exclusive end of the alignment on the reference (`bam_endpos`).
    public let end: Int
    public let flag: UInt16
    public let mappingQuality: Int
    public let isReverse: Bool
    /// Upper-case IUPAC letters (`=ACMGRSVTWYHKDBN`), reference-forward.
    public let sequence: [UInt8]
    public let cigar: [CigarOperation]

    public var strand: Strand { isReverse ? .reverse : .forward }

    public var cigarString: String {
        cigar.isEmpty ? "*" : cigar.map { "\($0.length)\($0.kind.rawValue)" }.joined()
    }

    /// For each read base, the 0-based reference position it is aligned to, or -1 for bases that do not reach the
    /// reference (insertions, soft clips). Deletions and skips take no read base.
    public func referencePositions() -> [Int] {
        var positions = [Int](repeating: -1, count: sequence.count)
        var query = 0
        var reference = start
        for op in cigar {
            switch (op.kind.consumesQuery, op.kind.consumesReference) {
            case (true, true):
                for k in 0..<op.length where query + k < positions.count { positions[query + k] = reference + k }
                query += op.length
                reference += op.length
            case (true, false):
                query += op.length
            case (false, true):
                reference += op.length
            case (false, false):
                break
            }
        }
        return positions
    }
}

/// Which reads to keep. The default drops unmapped, secondary, QC-fail, duplicate and supplementary records
/// (samtools `-F 0xF04`) and reads with mapping quality below 10.
public struct ReadFilter: Sendable, Equatable {
    public static let defaultExcludedFlags: UInt16 = 0x4 | 0x100 | 0x200 | 0x400 | 0x800

    public var minMappingQuality: Int
    public var excludedFlags: UInt16
    public var requiredFlags: UInt16

    public init(minMappingQuality: Int = 10, excludedFlags: UInt16 = ReadFilter.defaultExcludedFlags,
                requiredFlags: UInt16 = 0) {
        self.minMappingQuality = minMappingQuality
        self.excludedFlags = excludedFlags
        self.requiredFlags = requiredFlags
    }

    public func accepts(flag: UInt16, mappingQuality: Int) -> Bool {
        flag & excludedFlags == 0 && flag & requiredFlags == requiredFlags && mappingQuality >= minMappingQuality
    }
}

extension AlignedRead {
    /// Appends exactly `length` bases to `bases`: the read centred, cropped evenly at both ends when longer,
    /// padded evenly with N when shorter (the extra base, if any, goes to the right).
    public func appendCentred(length: Int, to bases: inout [UInt8]) {
        let n = sequence.count
        if n >= length {
            let from = (n - length) / 2
            bases.append(contentsOf: sequence[from..<(from + length)])
        } else {
            let left = (length - n) / 2
            bases.append(contentsOf: repeatElement(UInt8(ascii: "N"), count: left))
            bases.append(contentsOf: sequence)
            bases.append(contentsOf: repeatElement(UInt8(ascii: "N"), count: length - n - left))
        }
    }

    /// The read as a window: its aligned span on the reference, its strand, named by the read name.
    public var window: Window { Window(contig: contig, start: start, end: end, strand: strand, name: name) }
}

/// Where the columns of a read's window land on the reference, clipped to one region: `positions[i]` is the reference
/// position of window column i, or −1 where the column is padding, an insertion, a soft clip or outside the region.
/// `start` is the lowest position any column lands on (the region start for reads that begin before it).
public struct ReadPlacement: Sendable, Equatable {
    public let start: Int
    public let positions: [Int]
}

extension AlignedRead {
    /// The reference placement of the `length` window columns made by `appendCentred(length:to:)`: M/=/X bases carry
    /// their reference position; I and S bases and N padding carry −1; D and N operations take no column.
    public func placement(length: Int, within region: GenomicRegion? = nil) -> ReadPlacement {
        let onReference = referencePositions()
        let n = sequence.count
        var positions = [Int](repeating: -1, count: length)
        if n >= length {
            let from = (n - length) / 2
            for i in 0..<length { positions[i] = onReference[from + i] }
        } else {
            let left = (length - n) / 2
            for i in 0..<n { positions[left + i] = onReference[i] }
        }
        var low = start
        if let region {
            low = max(start, region.start)
            for i in positions.indices where positions[i] >= 0 && (positions[i] < region.start || positions[i] >= region.end) {
                positions[i] = -1
            }
        }
        return ReadPlacement(start: low, positions: positions)
    }
}
