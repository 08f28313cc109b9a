/// A stretch of one contig, 0-based half-open, as used everywhere inside plrp.
public struct GenomicRegion: Sendable, Equatable, CustomStringConvertible {
    public let contig: String
    public let start: Int
    public let end: Int
    /// The name column of a BED line, when there is one.
    public let name: String?
    /// narrowPeak column 10: the summit as an offset from `start`.
    public let summitOffset: Int?

    public init(contig: String, start: Int, end: Int, name: String? = nil, summitOffset: Int? = nil) {
        self.contig = contig
        self.start = start
        self.end = end
        self.name = name
        self.summitOffset = summitOffset
    }

    public var length: Int { end - start }

    /// samtools form, 1-based inclusive, for messages.
    public var description: String {
        let contigText = contig.contains(":") ? "{\(contig)}" : contig
        return "\(contigText):\(start + 1)-\(end)"
    }

    func withEnd(_ newEnd: Int) -> GenomicRegion {
        GenomicRegion(contig: contig, start: start, end: newEnd, name: name, summitOffset: summitOffset)
    }
}

/// What checking a region against an index changed; callers decide how to tell the user.
public enum RegionAdjustment: Sendable, Equatable {
    case clippedToContigEnd(original: GenomicRegion, contigLength: Int)
}

extension GenomicRegion {
    /// Checks the region against the contig lengths of an index: an unknown contig or a start beyond the contig end
    /// is an error; an end beyond the contig end is clipped (as samtools does) and reported.
    /// - Parameter origin: where the region came from (`--region`, `file.bed:12`), for messages.
    public func validated(against contigs: ContigTable, origin: String) throws -> (GenomicRegion, RegionAdjustment?) {
        guard let length = contigs.length(of: contig) else {
            throw GenomeIOError.data("\(origin): unknown contig '\(contig)' (not in the index; known: \(Self.sample(contigs)))")
        }
        guard start < length else {
            throw GenomeIOError.data("\(origin): region \(self) starts beyond the end of \(contig) (length \(length))")
        }
        if end > length {
            return (withEnd(length), .clippedToContigEnd(original: self, contigLength: length))
        }
        return (self, nil)
    }

    private static func sample(_ contigs: ContigTable) -> String {
        let names = contigs.contigs.prefix(5).map(\.name).joined(separator: ", ")
        return contigs.count > 5 ? names + ", …" : names
    }
}
