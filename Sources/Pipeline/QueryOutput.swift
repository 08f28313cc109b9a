import Foundation
import GenomeIO
import Tracks

/// How `plrp query` prints an answer: a table (position 1-based, base, relevance, seqlets and motifs whose core
/// covers the base), JSON, or a bedGraph.
public enum QueryFormat: String, Sendable, CaseIterable { case table, json, bedgraph }

extension QueryAnswer {
    /// The answer in `format`, handed to `output` in pieces of about 64 kB (never the whole text at once).
    /// Uncovered bases are NA in the table, null in JSON and absent from the bedGraph.
    public func write(_ format: QueryFormat, to output: (String) -> Void) {
        switch format {
        case .bedgraph:
            output(QueryAnswer.bedGraphHeader(region, source: source))
            // Merged as the genome track is; collecting runs in memory cannot fail.
            let collected = CollectedRuns(), merger = RunMerger([collected])
            for (i, value) in relevance.enumerated() { try? merger.add(contig: 0, position: region.start + i, value: value) }
            try? merger.finish()
            var text = ""
            for run in collected.runs {
                text += QueryAnswer.bedGraphLine(region.contig, run.start, run.end, run.value)
                if text.utf8.count > 1 << 16 { output(text); text = "" }
            }
            output(text)
        case .json:
            writeJSON(to: output)
        case .table:
            writeTable(to: output)
        }
    }

    /// The text in `format` at once (for short regions and checks).
    public func text(_ format: QueryFormat) -> String {
        var text = ""
        write(format) { text += $0 }
        return text
    }

    /// The bedGraph format's first line.
    public static func bedGraphHeader(_ region: GenomicRegion, source: String) -> String {
        BedGraphWriter.trackLine(name: "plrp query", description: "\(region): \(source)") + "\n"
    }

    /// One bedGraph line.
    public static func bedGraphLine(_ contig: String, _ start: Int, _ end: Int, _ value: Float) -> String {
        "\(contig)\t\(start)\t\(end)\t\(BedGraphWriter.format(value))\n"
    }

    /// Per base of the region, in order: whether a window covered it and the seqlets whose core covers it (in the
    /// answer's order). One sweep over the bases with seqlets sorted by core start: linear in the region length.
    public func forEachBase(_ body: (_ index: Int, _ covered: Bool, _ seqlets: [Int]) -> Void) {
        let byStart = seqlets.indices.sorted { seqlets[$0].coreStart < seqlets[$1].coreStart }
        var next = 0
        var active: [Int] = []  // indices into `seqlets`, ascending
        var gap = 0  // index into `uncovered`
        for i in 0..<region.length {
            let p = region.start + i
            while next < byStart.count, seqlets[byStart[next]].coreStart <= p {
                let s = byStart[next]
                if seqlets[s].coreEnd > p {
                    let at = active.firstIndex { $0 > s } ?? active.count
                    active.insert(s, at: at)
                }
                next += 1
            }
            active.removeAll { seqlets[$0].coreEnd <= p }
            while gap < uncovered.count, uncovered[gap].upperBound <= p { gap += 1 }
            let covered = !(gap < uncovered.count && uncovered[gap].contains(p))
            body(i, covered, active)
        }
    }

    private func writeTable(to output: (String) -> Void) {
        var text = "# \(region) (\(region.contig):\(region.start)-\(region.end) 0-based); \(source)\n"
        text += "position\tbase\trelevance\tseqlets\tmotifs\n"
        forEachBase { i, covered, covering in
            let p = region.start + i
            text += "\(p + 1)\t\(String(UnicodeScalar(bases[i])))\t\(covered ? TextNumbers.sixSignificant(relevance[i]) : "NA")\t"
            text += (covering.isEmpty ? "." : covering.map { seqlets[$0].name }.joined(separator: ",")) + "\t"
            let matches = covering.map { seqlets[$0].match }.filter { !$0.isEmpty }
            text += (matches.isEmpty ? "." : matches.joined(separator: ",")) + "\n"
            if text.utf8.count > 1 << 16 { output(text); text = "" }
        }
        output(text)
    }

    /// JSON with sorted keys, as JSONSerialization writes the whole document, written piece by piece.
    private func writeJSON(to output: (String) -> Void) {
        var encoded: [String: String] = [:]
        func string(_ text: String) -> String {
            if let known = encoded[text] { return known }
            let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data()
            let json = String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
            encoded[text] = json
            return json
        }
        var text = "{\"bases\":["
        forEachBase { i, covered, _ in
            text += "\(i == 0 ? "" : ","){\"base\":\(string(String(UnicodeScalar(bases[i])))),\"position\":\(region.start + i + 1),\"relevance\":"
            text += (covered ? TextNumbers.json(Double(relevance[i])) : "null") + "}"
            if text.utf8.count > 1 << 16 { output(text); text = "" }
        }
        text += "],\"contig\":\(string(region.contig)),\"end\":\(region.end),\"region\":\(string(region.description)),\"seqlets\":["
        for (k, s) in seqlets.enumerated() {
            text += "\(k == 0 ? "" : ","){\"core_end\":\(s.coreEnd),\"core_start\":\(s.coreStart),\"end\":\(s.end),"
            text += "\"match\":\(string(s.match)),\"name\":\(string(s.name)),\"start\":\(s.start)}"
            if text.utf8.count > 1 << 16 { output(text); text = "" }
        }
        text += "],\"source\":\(string(source)),\"start\":\(region.start),\"uncovered\":["
        text += uncovered.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",") + "]}\n"
        output(text)
    }
}
