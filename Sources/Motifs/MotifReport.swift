import Foundation

/// report.html: one self-contained page (inline SVG and CSS, no scripts, no network) with every motif's PFM and CWM
/// logos, its significant database matches (and which matrix matched), seqlet counts, and relevance plots of the
/// windows holding the strongest seqlets.
public enum MotifReport {
    /// Windows plotted in the relevance section.
    public static let strongestWindows = 6

    public static func html(_ result: MotifDiscovery.Result, data: ExplainedWindows, database: [Motif], header: [String]) -> String {
        let positive = result.seqlets.filter { $0.sign == .positive }.count
        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>plrp motifs</title>
        <style>
        body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
        h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; font-size: 13px; margin: 6px 0; } td, th { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: left; }
        .logos { display: flex; gap: 28px; flex-wrap: wrap; align-items: flex-end; } .logos figure { margin: 0; }
        figcaption { font-size: 12px; color: #555; } pre { font-size: 11px; color: #555; white-space: pre-wrap; }
        .none { color: #888; font-style: italic; }
        </style></head><body>
        <h1>plrp motifs</h1>
        <p>\(data.count) windows of \(data.length) bases; \(result.seqlets.count) seqlets (\(positive) positive, \(result.seqlets.count - positive) negative); \(result.motifs.count) motifs; \(result.matches.filter { !$0.isEmpty }.count) with a significant database match.</p>
        <pre>\(HTML.escape(header.joined(separator: "\n")))</pre>

        """
        page += "<h2>Motifs</h2>\n"
        if result.motifs.isEmpty { page += "<p class=\"none\">No motif reached the minimum number of seqlets.</p>\n" }
        for (motif, matches) in zip(result.motifs, result.matches) {
            page += "<h3 id=\"\(motif.id)\">\(motif.id) — \(motif.sign == .positive ? "positive" : "negative") relevance, \(motif.cluster.members.count) seqlets, consensus \(motif.pfm.consensus)</h3>\n"
            page += "<div class=\"logos\"><figure>\(SequenceLogo.pfm(motif.pfm, title: "\(motif.id) PFM"))<figcaption>PFM (bits)</figcaption></figure>"
            page += "<figure>\(SequenceLogo.cwm(motif.cwm, title: "\(motif.id) CWM"))<figcaption>CWM (mean relevance)</figcaption></figure>"
            if let top = matches.first {
                let target = database[top.comparison.target]
                let shown = top.comparison.strand == "-" ? target.reverseComplement : target
                page += "<figure>\(SequenceLogo.pfm(shown, title: target.id))<figcaption>best match \(HTML.escape(target.id)) \(HTML.escape(target.name))\(top.comparison.strand == "-" ? " (reverse complement)" : "")</figcaption></figure>"
            }
            page += "</div>\n"
            if matches.isEmpty {
                page += "<p class=\"none\">No significant database match.</p>\n"
            } else {
                page += "<table><tr><th>database motif</th><th>name</th><th>p-value</th><th>q-value</th><th>offset</th><th>strand</th><th>matched matrix</th></tr>\n"
                for match in matches.prefix(5) {
                    let target = database[match.comparison.target]
                    page += "<tr><td>\(HTML.escape(target.id))</td><td>\(HTML.escape(target.name))</td><td>\(MotifOutputs.format(match.comparison.pValue))</td><td>\(MotifOutputs.format(match.comparison.qValue))</td><td>\(match.comparison.offset)</td><td>\(match.comparison.strand)</td><td>\(match.matrix)</td></tr>\n"
                }
                page += "</table>\n"
            }
        }
        page += "<h2>Strongest regions</h2>\n"
        var rows: [Int] = []
        for seqlet in result.seqlets.sorted(by: { $0.score > $1.score }) where !rows.contains(seqlet.row) {
            rows.append(seqlet.row)
            if rows.count == strongestWindows { break }
        }
        if rows.isEmpty { page += "<p class=\"none\">No seqlets.</p>\n" }
        for row in rows {
            let place = data.places[row]
            page += "<figure>\(relevancePlot(row: row, data: data, seqlets: result.seqlets.filter { $0.row == row }))"
            page += "<figcaption>\(HTML.escape(place.name)) — \(HTML.escape(place.contig)):\(place.start)-\(place.end)(\(place.strand)); shaded: seqlets (red positive, blue negative)</figcaption></figure>\n"
        }
        page += "</body></html>\n"
        return page
    }

    /// Per-base relevance of one row as bars, seqlet spans shaded.
    static func relevancePlot(row: Int, data: ExplainedWindows, seqlets: [Seqlet]) -> String {
        let scores = data.baseScores(row: row).map(Double.init)
        let width = 1000.0, height = 120.0
        let step = width / Double(scores.count)
        let largest = max(scores.map(abs).max() ?? 0, 1e-12)
        let axis = height / 2
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\"><title>relevance of \(HTML.escape(data.places[row].name))</title>"
        for seqlet in seqlets {
            let colour = seqlet.sign == .positive ? "#f4c7c7" : "#c7d4f4"
            svg += "<rect x=\"\(SequenceLogo.f(Double(seqlet.start) * step))\" y=\"0\" width=\"\(SequenceLogo.f(Double(seqlet.end - seqlet.start) * step))\" height=\"\(Int(height))\" fill=\"\(colour)\" opacity=\"0.6\"/>"
        }
        for (i, value) in scores.enumerated() where value != 0 {
            let h = abs(value) / largest * (axis - 2)
            svg += "<rect x=\"\(SequenceLogo.f(Double(i) * step))\" y=\"\(SequenceLogo.f(value > 0 ? axis - h : axis))\" width=\"\(SequenceLogo.f(max(step, 0.5)))\" height=\"\(SequenceLogo.f(h))\" fill=\"\(value > 0 ? "#c82828" : "#2850c8")\"/>"
        }
        svg += "<line x1=\"0\" x2=\"\(Int(width))\" y1=\"\(Int(axis))\" y2=\"\(Int(axis))\" stroke=\"#999\" stroke-width=\"0.5\"/></svg>"
        return svg
    }
}
