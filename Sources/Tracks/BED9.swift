/// One BED9 line: an interval with a name, a 0–1000 score, a strand, a thick part and an item colour (`R,G,B`).
public struct BED9: Sendable, Equatable {
    public var contig: String
    public var start: Int
    public var end: Int
    public var name: String
    public var score: Int
    public var strand: Character
    public var thickStart: Int
    public var thickEnd: Int
    public var rgb: (UInt8, UInt8, UInt8)

    public init(contig: String, start: Int, end: Int, name: String, score: Int, strand: Character,
                thickStart: Int, thickEnd: Int, rgb: (UInt8, UInt8, UInt8)) {
        self.contig = contig
        self.start = start
        self.end = end
        self.name = name
        self.score = score
        self.strand = strand
        self.thickStart = thickStart
        self.thickEnd = thickEnd
        self.rgb = rgb
    }

    /// The tab-separated line with its newline; the score is clamped to 0–1000 and the thick part to the interval.
    public var line: String {
        let thick0 = min(max(thickStart, start), end), thick1 = min(max(thickEnd, thick0), end)
        return "\(contig)\t\(start)\t\(end)\t\(name)\t\(min(1000, max(0, score)))\t\(strand)\t\(thick0)\t\(thick1)\t\(rgb.0),\(rgb.1),\(rgb.2)\n"
    }

    public static func == (a: BED9, b: BED9) -> Bool { a.line == b.line }
}
