import GenomeIO
import Foundation

/// report.html: one self-contained page (inline SVG and CSS, no scripts, no network). At the top, what was explained
/// (model, genome, regions, method) and a summary table of every motif — seqlets, sites, best match, q-value, a logo
/// thumbnail, a link to its section. Motifs with a significant database match come first, by support; the others
/// follow, collapsed. Each section has the PFM (bits) and CWM (relevance) logos with their y-axes, the best match drawn
/// aligned under the PFM (its offset applied, strand + or −), and its matches. Last, the windows holding the strongest
/// seqlets: per-base relevance around the strongest one, with a position axis, the bases and the seqlets marked.
public enum MotifReport {
    /// Windows plotted in the relevance section.
    public static let strongestWindows = 6
    /// Bases shown around a region's strongest seqlet.
    public static let regionBases = 100

    /// `counts` replaces the opening sentence on windows and seqlets, for seqlets that did not come from windows.
    public static func html(_ result: MotifDiscovery.Result, data: ExplainedWindows, database: [Motif], header: [String],
                            source: [(String, String)] = [], counts: String? = nil) -> String {
        let positive = result.seqlets.filter { $0.sign == .positive }.count
        let matched = result.motifs.indices.filter { !result.matches[$0].isEmpty }
        let unmatched = result.motifs.indices.filter { result.matches[$0].isEmpty }
        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>plrp motifs</title>
        <style>
        body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
        h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; } h3 { font-size: 15px; }
        table { border-collapse: collapse; font-size: 13px; margin: 6px 0; } td, th { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: left; }
        td.n { text-align: right; } .logos { display: flex; gap: 28px; flex-wrap: wrap; align-items: flex-start; } .logos figure { margin: 0; }
        figcaption { font-size: 12px; color: #555; } pre { font-size: 11px; color: #555; white-space: pre-wrap; }
        .none { color: #888; font-style: italic; } details > summary { font-size: 15px; cursor: pointer; margin: 12px 0; }
        </style></head><body>
        <h1>plrp motifs</h1>

        """
        if !source.isEmpty {
            page += "<table id=\"source\">" + source.map { "<tr><th>\(HTML.escape($0.0))</th><td>\(HTML.escape($0.1))</td></tr>" }.joined() + "</table>\n"
        }
        if let counts {
            page += "<p>\(HTML.escape(counts)); \(result.motifs.count) motifs, \(matched.count) with a significant database match.</p>\n"
        } else {
            page += "<p>\(data.count) windows of \(data.length) bases; \(result.seqlets.count) seqlets (\(positive) positive, \(result.seqlets.count - positive) negative) after merging \(result.merged) sightings in overlapping windows (\(result.conflicts) sign conflicts resolved by the aggregated track); \(result.motifs.count) motifs, \(matched.count) with a significant database match.</p>\n"
        }
        page += summary(result, database: database, order: matched + unmatched)
        page += "<h2>Motifs with a database match</h2>\n"
        if matched.isEmpty { page += "<p class=\"none\">No motif has a significant database match.</p>\n" }
        for k in matched { page += section(result.motifs[k], result.matches[k], database: database, seqlets: result.seqlets) }
        if !unmatched.isEmpty {
            page += "<details id=\"unmatched\"><summary>\(unmatched.count) motif\(unmatched.count == 1 ? "" : "s") without a significant database match</summary>\n"
            for k in unmatched { page += section(result.motifs[k], [], database: database, seqlets: result.seqlets) }
            page += "</details>\n"
        }
        if result.motifs.isEmpty { page += "<p class=\"none\">No motif reached the minimum number of seqlets.</p>\n" }
        page += "<h2 id=\"regions\">Strongest regions</h2>\n"
        var rows: [Int] = []
        for seqlet in result.seqlets.sorted(by: { $0.score > $1.score }) where !rows.contains(seqlet.row) {
            rows.append(seqlet.row)
            if rows.count == strongestWindows { break }
        }
        if rows.isEmpty { page += "<p class=\"none\">No seqlets.</p>\n" }
        let instances = instanceNames(result)
        for row in rows {
            let place = data.places[row]
            let seqlets = result.seqlets.indices.filter { result.seqlets[$0].row == row }
            let strongest = seqlets.max { result.seqlets[$0].score < result.seqlets[$1].score }!
            let centre = (result.seqlets[strongest].coreStart + result.seqlets[strongest].coreEnd) / 2
            let first = max(0, min(data.length - regionBases, centre - regionBases / 2))
            let shown = first..<min(data.length, first + regionBases)
            page += "<figure>\(relevancePlot(row: row, columns: shown, data: data, seqlets: seqlets.map { (result.seqlets[$0], instances[$0]) }))"
            page += "<figcaption>\(HTML.escape(place.displayName)) — \(HTML.escape(place.contig)):\(place.start + shown.lowerBound + 1)-\(place.start + shown.upperBound) of the window \(place.start + 1)-\(place.end)(\(place.strand.symbol)), positions 1-based; shaded: seqlets (red positive, blue negative) with their motif</figcaption></figure>\n"
        }
        page += "<h2>Parameters</h2>\n<pre>\(HTML.escape(header.joined(separator: "\n")))</pre>\n"
        page += "</body></html>\n"
        return page
    }

    /// The summary table: one row per motif in `order`, each linking to its section.
    static func summary(_ result: MotifDiscovery.Result, database: [Motif], order: [Int]) -> String {
        var html = "<h2>Summary</h2>\n<table id=\"summary\"><tr><th>motif</th><th>sign</th><th>seqlets</th><th>sites</th><th>consensus</th><th>best match</th><th>q-value</th><th>logo</th></tr>\n"
        for k in order {
            let motif = result.motifs[k]
            let best = result.matches[k].first
            let name = best.map { "\(database[$0.comparison.target].id) \(database[$0.comparison.target].name)" }
            let thumbnail = SequenceLogo.pfm(motif.pfm, title: "\(motif.id) PFM",
                                             style: .init(columnWidth: 7, height: 24, top: 2, positions: false))
            html += "<tr><td><a href=\"#\(motif.id)\">\(motif.id)</a></td><td>\(motif.sign == .positive ? "+" : "−")</td>"
            html += "<td class=\"n\">\(sightings(motif, result.seqlets))</td><td class=\"n\">\(motif.cluster.members.count)</td>"
            html += "<td><code>\(motif.pfm.consensus)</code></td><td>\(name.map(HTML.escape) ?? "<span class=\"none\">none</span>")</td>"
            html += "<td class=\"n\">\(best.map { MotifOutputs.format($0.comparison.qValue) } ?? "")</td><td>\(thumbnail)</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// Seqlets behind a motif counting every window a site was sighted in.
    static func sightings(_ motif: DiscoveredMotif, _ seqlets: [Seqlet]) -> Int {
        motif.cluster.members.reduce(0) { $0 + seqlets[$1.seqlet].windows }
    }

    /// A motif's section: logos, the best match aligned under the PFM, and its matches.
    static func section(_ motif: DiscoveredMotif, _ matches: [MotifDiscovery.Match], database: [Motif], seqlets: [Seqlet]) -> String {
        var html = "<h3 id=\"\(motif.id)\">\(motif.id) — \(motif.sign == .positive ? "positive" : "negative") relevance, \(sightings(motif, seqlets)) seqlets at \(motif.cluster.members.count) sites, consensus \(motif.pfm.consensus)</h3>\n"
        var queryLead = 0, targetLead = 0
        var target: Motif?
        if let top = matches.first {
            let t = database[top.comparison.target]
            let q = motif.pfm.width
            // Where the matched target (reverse-complemented for strand −) starts, in the motif's columns.
            let start = top.comparison.strand == "-" ? q + top.comparison.offset - t.width : -top.comparison.offset
            let lead = min(0, start)
            queryLead = -lead
            targetLead = start - lead
            target = top.comparison.strand == "-" ? t.reverseComplement : t
        }
        html += "<div class=\"logos\"><figure>\(SequenceLogo.pfm(motif.pfm, title: "\(motif.id) PFM", style: .init(leadingColumns: queryLead, top: 2, unit: "bits")))"
        if let target, let top = matches.first {
            html += "<br>\(SequenceLogo.pfm(target, title: target.id, style: .init(leadingColumns: targetLead, top: 2, unit: "bits")))"
            html += "<figcaption>PFM (bits); below it the best match \(HTML.escape(target.id)) \(HTML.escape(target.name)), strand \(top.comparison.strand == "-" ? "−" : "+"), offset \(top.comparison.offset), q = \(MotifOutputs.format(top.comparison.qValue)) (\(top.matrix) matched)</figcaption>"
        } else {
            html += "<figcaption>PFM (bits)</figcaption>"
        }
        html += "</figure><figure>\(SequenceLogo.cwm(motif.cwm, title: "\(motif.id) CWM"))<figcaption>CWM (mean relevance\(motif.hypothetical ? " of hypothetical contributions" : ""))</figcaption></figure></div>\n"
        if matches.isEmpty {
            html += "<p class=\"none\">No significant database match.</p>\n"
        } else {
            html += "<table><tr><th>database motif</th><th>name</th><th>p-value</th><th>q-value</th><th>offset</th><th>strand</th><th>matched matrix</th></tr>\n"
            for match in matches.prefix(5) {
                let t = database[match.comparison.target]
                html += "<tr><td>\(HTML.escape(t.id))</td><td>\(HTML.escape(t.name))</td><td>\(MotifOutputs.format(match.comparison.pValue))</td><td>\(MotifOutputs.format(match.comparison.qValue))</td><td>\(match.comparison.offset)</td><td>\(match.comparison.strand == "-" ? "−" : "+")</td><td>\(match.matrix)</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html + "<p><a href=\"#summary\">back to the summary</a></p>\n"
    }

    /// The motif each seqlet is an instance of (by seqlet index), if any.
    static func instanceNames(_ result: MotifDiscovery.Result) -> [Int: String] {
        var names: [Int: String] = [:]
        for motif in result.motifs { for member in motif.cluster.members { names[member.seqlet] = motif.id } }
        return names
    }

    /// Per-base relevance of `columns` of one row as bars above the bases, seqlets shaded and labelled, with a
    /// position axis in 1-based genome (or sequence) coordinates.
    static func relevancePlot(row: Int, columns: Range<Int>, data: ExplainedWindows, seqlets: [(Seqlet, String?)]) -> String {
        let scores = data.baseScores(row: row).map(Double.init)
        let step = 10.0, left = 50.0
        let width = left + Double(columns.count) * step + 10
        let plot = 120.0, top = 14.0
        let height = top + plot + 40
        let largest = max(columns.map { abs(scores[$0]) }.max() ?? 0, 1e-12)
        let axis = top + plot / 2
        let place = data.places[row]
        let x = { (column: Int) in left + Double(column - columns.lowerBound) * step }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\"><title>relevance of \(HTML.escape(place.displayName))</title>"
        for (seqlet, motif) in seqlets where seqlet.end > columns.lowerBound && seqlet.start < columns.upperBound {
            let colour = seqlet.sign == .positive ? "#f4c7c7" : "#c7d4f4"
            let (s, e) = (max(seqlet.start, columns.lowerBound), min(seqlet.end, columns.upperBound))
            let (cs, ce) = (max(seqlet.coreStart, columns.lowerBound), min(seqlet.coreEnd, columns.upperBound))
            svg += "<rect x=\"\(SequenceLogo.f(x(s)))\" y=\"\(Int(top))\" width=\"\(SequenceLogo.f(Double(e - s) * step))\" height=\"\(Int(plot))\" fill=\"\(colour)\" opacity=\"0.35\"/>"
            if ce > cs {
                svg += "<rect x=\"\(SequenceLogo.f(x(cs)))\" y=\"\(Int(top))\" width=\"\(SequenceLogo.f(Double(ce - cs) * step))\" height=\"\(Int(plot))\" fill=\"\(colour)\" opacity=\"0.6\"/>"
            }
            svg += "<text x=\"\(SequenceLogo.f(x(s) + 2))\" y=\"\(Int(top - 3))\" font-size=\"10\" fill=\"\(seqlet.sign == .positive ? "#a01818" : "#1838a0")\">\(seqlet.sign.rawValue)\(motif.map { " " + $0 } ?? "")</text>"
        }
        for i in columns where scores[i] != 0 {
            let h = abs(scores[i]) / largest * (plot / 2 - 2)
            svg += "<rect x=\"\(SequenceLogo.f(x(i) + 1))\" y=\"\(SequenceLogo.f(scores[i] > 0 ? axis - h : axis))\" width=\"\(SequenceLogo.f(step - 2))\" height=\"\(SequenceLogo.f(h))\" fill=\"\(scores[i] > 0 ? "#c82828" : "#2850c8")\"/>"
        }
        svg += "<line x1=\"\(Int(left))\" x2=\"\(Int(width - 10))\" y1=\"\(Int(axis))\" y2=\"\(Int(axis))\" stroke=\"#999\" stroke-width=\"0.5\"/>"
        // y-axis: the largest magnitude shown.
        svg += "<line x1=\"\(Int(left - 4))\" x2=\"\(Int(left - 4))\" y1=\"\(Int(top))\" y2=\"\(Int(top + plot))\" stroke=\"#666\" stroke-width=\"0.8\"/>"
        for (value, y) in [(largest, top + 2), (0, axis), (-largest, top + plot - 2)] {
            svg += "<text x=\"\(Int(left - 7))\" y=\"\(SequenceLogo.f(y + 3))\" font-size=\"8\" text-anchor=\"end\" fill=\"#444\">\(SequenceLogo.tick(value))</text>"
        }
        // Bases, then the position axis.
        let baseline = top + plot + 12
        for i in columns {
            let letter = data.base(row: row, column: i).map { (SequenceLogo.letters[$0], SequenceLogo.colours[$0]) } ?? ("N", "#888")
            svg += "<text x=\"\(SequenceLogo.f(x(i) + step / 2))\" y=\"\(SequenceLogo.f(baseline))\" font-size=\"10\" font-family=\"DejaVu Sans Mono, monospace\" text-anchor=\"middle\" fill=\"\(letter.1)\">\(letter.0)</text>"
        }
        for i in columns where (place.start + i + 1) % 10 == 0 {
            let tx = x(i) + step / 2
            svg += "<line x1=\"\(SequenceLogo.f(tx))\" x2=\"\(SequenceLogo.f(tx))\" y1=\"\(SequenceLogo.f(baseline + 3))\" y2=\"\(SequenceLogo.f(baseline + 7))\" stroke=\"#666\" stroke-width=\"0.8\"/>"
            svg += "<text x=\"\(SequenceLogo.f(tx))\" y=\"\(SequenceLogo.f(baseline + 17))\" font-size=\"9\" text-anchor=\"middle\" fill=\"#444\">\(place.start + i + 1)</text>"
        }
        return svg + "</svg>"
    }
}
