/// Draws genome windows as training negatives, matched one by one to the GC content of given windows and kept away
/// from them: uniform over the genome, no overlap with any `avoid` window, at most 1% N, GC within `tolerance`
/// (which doubles after every 200 failed draws).
public struct BackgroundSampler {
    public let fasta: FastaFile
    public let length: Int
    public var tolerance = 0.02
    private var avoid: [String: [(Int, Int)]] = [:]

    public init(fasta: FastaFile, length: Int, avoid windows: [Window]) {
        self.fasta = fasta
        self.length = length
        for window in windows { avoid[window.contig, default: []].append((window.start, window.end)) }
        for key in avoid.keys { avoid[key]!.sort { $0.0 < $1.0 } }
    }

    /// GC fraction of the A/C/G/T bases (N ignored), and the N fraction.
    public static func composition(_ bases: ArraySlice<UInt8>) -> (gc: Double, n: Double) {
        var gc = 0, acgt = 0
        for b in bases {
            switch b | 0x20 {
            case UInt8(ascii: "g"), UInt8(ascii: "c"): gc += 1; acgt += 1
            case UInt8(ascii: "a"), UInt8(ascii: "t"): acgt += 1
            default: break
            }
        }
        return (acgt == 0 ? 0 : Double(gc) / Double(acgt), Double(bases.count - acgt) / Double(max(bases.count, 1)))
    }

    /// One background window for each target GC fraction, in order.
    public func sample<G: RandomNumberGenerator>(matching targets: [Double], using random: inout G) throws -> [(Window, [UInt8])] {
        let contigs = fasta.contigs.contigs.filter { $0.length >= length }
        guard !contigs.isEmpty else { throw GenomeIOError.data("'\(fasta.path)' has no contig of at least \(length) bases to sample negatives from") }
        let total = contigs.reduce(0) { $0 + $1.length - length + 1 }
        var results: [(Window, [UInt8])] = []
        var buffer: [UInt8] = []
        for target in targets {
            var allowed = tolerance
            var attempts = 0
            while true {
                attempts += 1
                if attempts % 200 == 0 { allowed *= 2 }
                guard attempts < 5_000 else { throw GenomeIOError.data("cannot find a background window in '\(fasta.path)' away from the positives") }
                var pick = Int(random.next() % UInt64(total))
                var contig = contigs[0]
                for c in contigs {
                    if pick < c.length - length + 1 { contig = c; break }
                    pick -= c.length - length + 1
                }
                if overlaps(contig.name, pick, pick + length) { continue }
                try fasta.fetch(contig: contig.name, start: pick, end: pick + length, into: &buffer)
                let (gc, n) = Self.composition(buffer[...])
                guard n <= 0.01, abs(gc - target) <= allowed else { continue }
                results.append((Window(contig: contig.name, start: pick, end: pick + length), buffer))
                break
            }
        }
        return results
    }

    private func overlaps(_ contig: String, _ start: Int, _ end: Int) -> Bool {
        guard let list = avoid[contig] else { return false }
        // First interval starting at or after `end`; any overlap lies before it.
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].0 < end { low = mid + 1 } else { high = mid }
        }
        var i = low - 1
        while i >= 0 {
            if list[i].1 > start { return true }
            if list[i].0 + length * 4 < start { break }  // windows are short; earlier ones cannot reach `start`
            i -= 1
        }
        return false
    }
}
