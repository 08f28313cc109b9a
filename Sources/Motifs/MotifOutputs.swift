import GenomeIO
import Foundation
import Tracks

/// The text of `plrp motifs`' outputs: seqlets.bed, instances.bed, matches.tsv and the MEME file.
public enum MotifOutputs {
    static let colours: [Seqlet.Sign: (UInt8, UInt8, UInt8)] = [.positive: (200, 40, 40), .negative: (40, 80, 200)]

    /// BED9 of every seqlet: the span with flanks, thickStart/thickEnd = the core, name `SIGN|WINDOW`, score 0–1000
    /// relative to the strongest seqlet, the window's strand, itemRgb by sign.
    public static func seqletsBED(_ result: MotifDiscovery.Result, data: ExplainedWindows, header: [String]) -> String {
        var text = header.map { "# \($0)\n" }.joined()
        let strongest = result.seqlets.map(\.score).max() ?? 1
        for seqlet in result.seqlets {
            let place = data.places[seqlet.row]
            let score = Int((1000 * seqlet.score / strongest).rounded())
            text += line(place, start: seqlet.start, end: seqlet.end, thick: (seqlet.coreStart, seqlet.coreEnd),
                         name: "\(seqlet.sign.rawValue)|\(place.label)", score: score, strand: place.strand.symbol,
                         colour: colours[seqlet.sign]!)
        }
        return text
    }

    /// BED9 of motif instances (the seqlets assigned to each motif): name = motif id, score = 1000 × similarity to the
    /// motif, strand of the motif on the genome, thickStart/thickEnd = the motif's core, itemRgb by sign. Sorted by
    /// row, then position.
    public static func instancesBED(_ result: MotifDiscovery.Result, data: ExplainedWindows, header: [String]) -> String {
        var rows: [(row: Int, start: Int, text: String)] = []
        for motif in result.motifs {
            let cluster = motif.cluster
            for member in cluster.members {
                let seqlet = result.seqlets[member.seqlet]
                let width = seqlet.end - seqlet.start
                let offset = (cluster.frame - cluster.span) / 2 + member.shift
                // Frame column k holds column k − offset of the seqlet zero-padded to `span`, reverse-complemented
                // for reverse members (whose padded column j is the seqlet's column span − 1 − j).
                var low = motif.coreStart - offset, high = motif.coreEnd - offset
                if member.reverse { (low, high) = (cluster.span - high, cluster.span - low) }
                low = max(0, min(width, low))
                high = max(low, min(width, high))
                let place = data.places[seqlet.row]
                let onMinus = member.reverse != (place.strand == .reverse)
                rows.append((seqlet.row, seqlet.start + low, line(
                    place, start: seqlet.start, end: seqlet.end, thick: (seqlet.start + low, seqlet.start + high),
                    name: motif.id, score: Int((1000 * max(0, member.similarity)).rounded()),
                    strand: onMinus ? "-" : "+", colour: colours[motif.sign]!)))
            }
        }
        rows.sort { ($0.row, $0.start) < ($1.row, $1.start) }
        return header.map { "# \($0)\n" }.joined() + rows.map(\.text).joined()
    }

    /// matches.tsv (docs/formats.md): one row per significant match.
    public static func matchesTSV(_ result: MotifDiscovery.Result, database: [Motif]) -> String {
        var text = "motif\tdb_id\tdb_name\tp_value\tq_value\toffset\tstrand\tmatrix\n"
        for (motif, matches) in zip(result.motifs, result.matches) {
            for match in matches {
                let target = database[match.comparison.target]
                text += "\(motif.id)\t\(target.id)\t\(target.name)\t\(format(match.comparison.pValue))\t\(format(match.comparison.qValue))\t\(match.comparison.offset)\t\(match.comparison.strand)\t\(match.matrix)\n"
            }
        }
        return text
    }

    static func format(_ x: Double) -> String { String(format: "%.3g", x) }

    /// A BED9 line for columns `[start, end)` of a window, in the window's coordinates clipped to its end.
    private static func line(_ place: Window, start: Int, end: Int, thick: (Int, Int), name: String,
                             score: Int, strand: Character, colour: (UInt8, UInt8, UInt8)) -> String {
        let clip = { (column: Int) in min(place.start + column, place.end) }
        return BED9(contig: place.contig, start: clip(start), end: clip(end), name: name, score: score, strand: strand,
                    thickStart: clip(thick.0), thickEnd: clip(thick.1), rgb: colour).line
    }
}

extension MotifOutputs {
    /// cwms.tsv: each motif's contribution weight matrix, a row per core position (`motif  position  A  C  G  T`).
    public static func cwmsTSV(_ result: MotifDiscovery.Result) -> String {
        var text = "motif\tposition\tA\tC\tG\tT\n"
        for motif in result.motifs {
            for (i, column) in motif.cwm.columns.enumerated() {
                text += "\(motif.id)\t\(i + 1)\t" + column.map { String(format: "%.6g", $0) }.joined(separator: "\t") + "\n"
            }
        }
        return text
    }
}
