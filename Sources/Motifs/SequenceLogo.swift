import Foundation

/// Sequence logos as inline SVG: letters stacked per column, tallest on top, colours A green, C blue, G amber, T red.
public enum SequenceLogo {
    static let letters: [Character] = ["A", "C", "G", "T"]
    static let colours = ["#109648", "#255c99", "#e3a21a", "#d62839"]

    /// A logo of `columns` where letter heights are `heights(column)` (negative heights go below the axis).
    public static func svg(_ columns: [[Double]], title: String, columnWidth: Double = 22, height: Double = 90) -> String {
        let tallest = max(columns.map { $0.filter { $0 > 0 }.reduce(0, +) }.max() ?? 0, 1e-9)
        let deepest = columns.map { -$0.filter { $0 < 0 }.reduce(0, +) }.max() ?? 0
        let scale = (height - 4) / (tallest + deepest)
        let axis = 2 + tallest * scale
        let width = Double(columns.count) * columnWidth + 8
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height + 14))\" role=\"img\"><title>\(HTML.escape(title))</title>"
        for (i, column) in columns.enumerated() {
            let x = 4 + Double(i) * columnWidth
            var up = axis, down = axis
            // Positive letters stacked upwards smallest first (the largest ends on top); negative ones downwards.
            for b in (0..<4).filter({ column[$0] > 0 }).sorted(by: { column[$0] < column[$1] }) {
                let h = column[b] * scale
                up -= h
                svg += glyph(b, x: x, top: up, width: columnWidth, height: h)
            }
            for b in (0..<4).filter({ column[$0] < 0 }).sorted(by: { column[$0] > column[$1] }) {
                let h = -column[b] * scale
                svg += glyph(b, x: x, top: down, width: columnWidth, height: h)
                down += h
            }
            svg += "<text x=\"\(f(x + columnWidth / 2))\" y=\"\(f(height + 12))\" font-size=\"9\" text-anchor=\"middle\" fill=\"#666\">\(i + 1)</text>"
        }
        svg += "<line x1=\"2\" x2=\"\(f(width - 2))\" y1=\"\(f(axis))\" y2=\"\(f(axis))\" stroke=\"#999\" stroke-width=\"0.5\"/></svg>"
        return svg
    }

    /// Information-content logo of a PFM: each column's letters scaled to p × IC bits (2 bits full height).
    public static func pfm(_ motif: Motif, title: String) -> String {
        svg(motif.columns.indices.map { i in motif.columns[i].map { $0 * motif.informationContent(at: i) } }, title: title)
    }

    /// Contribution logo of a CWM: heights are the mean contributions themselves.
    public static func cwm(_ motif: Motif, title: String) -> String {
        svg(motif.columns, title: title)
    }

    /// A letter filling the box (x, top, width, height): drawn at font size 100 (cap height ≈ 72) and scaled.
    private static func glyph(_ b: Int, x: Double, top: Double, width: Double, height: Double) -> String {
        guard height > 0.3 else { return "" }
        return "<text transform=\"translate(\(f(x)) \(f(top + height))) scale(\(f(width / 64)) \(f(height / 72)))\" font-family=\"DejaVu Sans Mono, monospace\" font-weight=\"bold\" font-size=\"100\" fill=\"\(colours[b])\">\(letters[b])</text>"
    }

    static func f(_ x: Double) -> String { String(format: "%.2f", x) }
}

enum HTML {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
