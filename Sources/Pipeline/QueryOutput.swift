import Foundation
import GenomeIO
import Tracks

/// How `plrp query` prints an answer: a table (position 1-based, base, relevance, seqlets and motifs whose core
/// covers the base), JSON, or a bedGraph.
public enum QueryFormat: String, Sendable, CaseIterable { case table, json, bedgraph }

/// Prints an answer as it streams in, handing `output` pieces of about 64 kB. Uncovered bases are NA in the table,
/// null in JSON and absent from the bedGraph, which like the genome tracks holds zeros. Memory: the seqlets not yet passed (all of them for JSON, whose
/// seqlet list follows the bases), never the region.
public final class QueryWriter: QueryReceiver {
    public let format: QueryFormat
    private let output: (String) -> Void
    private var text = ""
    private var region = GenomicRegion(contig: "", start: 0, end: 0)
    private var source = ""
    private var uncovered: [Range<Int>] = []
    private var gap = 0
    /// Every seqlet so far (JSON), and for the table those whose core has not started, by core start, with their
    /// index in the answer's order, and those covering the current base, by that index.
    private var all: [QuerySeqlet] = []
    private var waiting: [(index: Int, seqlet: QuerySeqlet)] = []
    private var next = 0
    private var active: [(index: Int, seqlet: QuerySeqlet)] = []
    /// The table's seqlets and motifs columns for `active`, with the line end.
    private var seqletColumns = "\t.\t.\n"
    private var count = 0
    private var written = 0
    private var run: (start: Int, end: Int, value: Float)?
    private var json: [String: String] = [:]

    public init(_ format: QueryFormat, output: @escaping (String) -> Void) {
        self.format = format
        self.output = output
    }

    public func begin(region: GenomicRegion, source: String, uncovered: [Range<Int>]) {
        (self.region, self.source, self.uncovered) = (region, source, uncovered)
        switch format {
        case .bedgraph: text = Self.bedGraphHeader(region, source: source)
        case .table:
            text = "# \(region) (\(region.contig):\(region.start)-\(region.end) 0-based); \(source)\n"
            text += "position\tbase\trelevance\tseqlets\tmotifs\n"
        case .json: text = "{\"bases\":["
        }
    }

    public func seqlets(_ found: [QuerySeqlet]) {
        switch format {
        case .json: all += found
        case .table:
            let numbered = found.enumerated().map { (index: count + $0.offset, seqlet: $0.element) }
                .sorted { ($0.seqlet.coreStart, $0.index) < ($1.seqlet.coreStart, $1.index) }
            count += found.count
            waiting = Self.merged(Array(waiting[next...]), numbered)
            next = 0
        case .bedgraph: break
        }
    }

    public func bases(from start: Int, letters: ArraySlice<UInt8>, relevance: ArraySlice<Float>) {
        for (k, (letter, value)) in zip(letters, relevance).enumerated() {
            let p = start + k
            while gap < uncovered.count, uncovered[gap].upperBound <= p { gap += 1 }
            let covered = !(gap < uncovered.count && uncovered[gap].contains(p))
            switch format {
            case .table: tableLine(p, letter, covered ? value : nil)
            case .json:
                text += "\(written == 0 ? "" : ","){\"base\":\(string(String(UnicodeScalar(letter)))),\"position\":\(p + 1),\"relevance\":"
                text += (covered ? TextNumbers.json(Double(value)) : "null") + "}"
            case .bedgraph: extend(p, covered ? (value == 0 ? 0 : value) : nil)
            }
            written += 1
            if text.utf8.count > 1 << 16 { flush() }
        }
    }

    public func finish() {
        switch format {
        case .bedgraph: extend(.max, nil)
        case .table: break
        case .json:
            text += "],\"contig\":\(string(region.contig)),\"end\":\(region.end),\"region\":\(string(region.description)),\"seqlets\":["
            for (k, s) in all.enumerated() {
                text += "\(k == 0 ? "" : ","){\"core_end\":\(s.coreEnd),\"core_start\":\(s.coreStart),\"end\":\(s.end),"
                text += "\"match\":\(string(s.match)),\"name\":\(string(s.name)),\"start\":\(s.start)}"
                if text.utf8.count > 1 << 16 { flush() }
            }
            text += "],\"source\":\(string(source)),\"start\":\(region.start),\"uncovered\":["
            text += uncovered.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",") + "]}\n"
        }
        flush()
    }

    /// The bedGraph format's first line.
    public static func bedGraphHeader(_ region: GenomicRegion, source: String) -> String {
        BedGraphWriter.trackLine(name: "plrp query", description: "\(region): \(source)") + "\n"
    }

    private func flush() {
        if !text.isEmpty { output(text) }
        text = ""
    }

    /// One table row; the seqlets column lists those whose core covers the base, in the answer's order. The two
    /// seqlet columns are rebuilt only when the covering seqlets change (most bases have none).
    private func tableLine(_ p: Int, _ letter: UInt8, _ value: Float?) {
        var changed = false
        while next < waiting.count, waiting[next].seqlet.coreStart <= p {
            let s = waiting[next]
            if s.seqlet.coreEnd > p {
                active.insert(s, at: active.firstIndex { $0.index > s.index } ?? active.count)
                changed = true
            }
            next += 1
        }
        if active.contains(where: { $0.seqlet.coreEnd <= p }) {
            active.removeAll { $0.seqlet.coreEnd <= p }
            changed = true
        }
        if changed {
            let matches = active.map(\.seqlet.match).filter { !$0.isEmpty }
            seqletColumns = "\t" + (active.isEmpty ? "." : active.map(\.seqlet.name).joined(separator: ",")) + "\t"
                + (matches.isEmpty ? "." : matches.joined(separator: ",")) + "\n"
        }
        text += String(p + 1)
        text.unicodeScalars.append("\t")
        text.unicodeScalars.append(UnicodeScalar(letter))
        text.unicodeScalars.append("\t")
        text += value.map(TextNumbers.sixSignificant) ?? "NA"
        text += seqletColumns
    }

    /// bedGraph runs: equal values of consecutive covered bases joined, zeros included as in the genome tracks
    /// (nil: an uncovered base, which ends a run and is left out).
    private func extend(_ p: Int, _ value: Float?) {
        if let r = run, let value, r.end == p, r.value == value {
            run = (r.start, p + 1, value)
            return
        }
        if let r = run { text += "\(region.contig)\t\(r.start)\t\(r.end)\t\(BedGraphWriter.format(r.value))\n" }
        run = value.map { (p, p + 1, $0) }
    }

    private func string(_ text: String) -> String {
        if let known = json[text] { return known }
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data()
        let encoded = String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        json[text] = encoded
        return encoded
    }

    /// Two lists sorted by core start and index, merged.
    private static func merged(_ a: [(index: Int, seqlet: QuerySeqlet)], _ b: [(index: Int, seqlet: QuerySeqlet)])
        -> [(index: Int, seqlet: QuerySeqlet)] {
        var result: [(index: Int, seqlet: QuerySeqlet)] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && (a[i].seqlet.coreStart, a[i].index) < (b[j].seqlet.coreStart, b[j].index)) {
                result.append(a[i]); i += 1
            } else {
                result.append(b[j]); j += 1
            }
        }
        return result
    }
}

extension QueryAnswer {
    /// The answer in `format`, handed to `output` in pieces of about 64 kB.
    public func write(_ format: QueryFormat, to output: @escaping (String) -> Void) {
        let writer = QueryWriter(format, output: output)
        writer.begin(region: region, source: source, uncovered: uncovered)
        writer.seqlets(seqlets)
        writer.bases(from: region.start, letters: bases[...], relevance: relevance[...])
        writer.finish()
    }

    /// The text in `format` at once (for short regions and checks).
    public func text(_ format: QueryFormat) -> String {
        var text = ""
        write(format) { text += $0 }
        return text
    }
}

/// Standard output, buffered in pieces of 64 kB: where `plrp query` streams its answer.
public final class StandardOutput {
    private var buffer = ""

    public init() {}

    public func write(_ text: String) {
        buffer += text
        if buffer.utf8.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer.utf8))
        buffer = ""
    }
}
