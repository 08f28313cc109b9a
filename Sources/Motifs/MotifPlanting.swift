/// Planting motif instances into sequences, for `plrp simulate` and for tests with a known answer.
public enum MotifPlanting {
    /// One planted occurrence: motif `motif` (an index into the planted list) at `[start, end)` of sequence `sequence`.
    public struct Site: Sendable, Equatable {
        public let sequence: Int
        public let motif: Int
        public let start: Int
        public let end: Int
        public let strand: Character
    }

    /// A site drawn from the PFM, letters A/C/G/T; reverse-complemented on the minus strand.
    public static func sample<G: RandomNumberGenerator>(_ motif: Motif, reverse: Bool, using random: inout G) -> [UInt8] {
        let letters = Array("ACGT".utf8)
        var bases = motif.columns.map { column -> UInt8 in
            let u = Double(random.next() >> 11) / Double(1 << 53)
            var cumulative = 0.0
            for (b, p) in column.enumerated() {
                cumulative += p
                if u < cumulative { return letters[b] }
            }
            return letters[column.indices.max { column[$0] < column[$1] }!]
        }
        if reverse {
            bases = bases.reversed().map { b in
                switch b {
                case UInt8(ascii: "A"): UInt8(ascii: "T")
                case UInt8(ascii: "C"): UInt8(ascii: "G")
                case UInt8(ascii: "G"): UInt8(ascii: "C")
                default: UInt8(ascii: "A")
                }
            }
        }
        return bases
    }

    /// Plants `copies` instances of each motif in `chosen` into `bases` at random non-overlapping positions on a random
    /// strand, and returns the sites sorted by start. Returns nil when they do not fit after repeated tries.
    public static func plant<G: RandomNumberGenerator>(_ motifs: [Motif], chosen: [Int], copies: Int, into bases: inout [UInt8],
                                                       sequence: Int, using random: inout G) -> [Site]? {
        var sites: [Site] = []
        for m in chosen {
            for _ in 0..<copies {
                let width = motifs[m].width
                guard width <= bases.count else { return nil }
                var placed = false
                for _ in 0..<1000 {
                    let start = Int(random.next() % UInt64(bases.count - width + 1))
                    if sites.contains(where: { start < $0.end && $0.start < start + width }) { continue }
                    let reverse = random.next() & 1 == 1
                    let site = sample(motifs[m], reverse: reverse, using: &random)
                    bases.replaceSubrange(start..<(start + width), with: site)
                    sites.append(Site(sequence: sequence, motif: m, start: start, end: start + width, strand: reverse ? "-" : "+"))
                    placed = true
                    break
                }
                if !placed { return nil }
            }
        }
        return sites.sorted { $0.start < $1.start }
    }
}
