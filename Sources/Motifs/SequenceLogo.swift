import Foundation

/// Sequence logos as inline SVG: letters stacked per column, tallest on top, colours A green, C blue, G amber, T red,
/// with a y-axis in the logo's unit (bits, or relevance for a CWM).
public enum SequenceLogo {
    static let letters: [Character] = ["A", "C", "G", "T"]
    static let colours = ["#109648", "#255c99", "#e3a21a", "#d62839"]

    /// Drawing options: column width and plot height in pixels, blank columns before the first (to align a logo
    /// under another), a fixed top of the axis (nil: the tallest column), and the y-axis label (nil: no axis).
    public struct Style: Sendable {
        public var columnWidth = 22.0
        public var height = 90.0
        public var leadingColumns = 0
        public var top: Double?
        public var unit: String?
        public var positions = true

        public init(columnWidth: Double = 22, height: Double = 90, leadingColumns: Int = 0, top: Double? = nil,
                    unit: String? = nil, positions: Bool = true) {
            self.columnWidth = columnWidth
            self.height = height
            self.leadingColumns = leadingColumns
            self.top = top
            self.unit = unit
            self.positions = positions
        }
    }

    /// Left margin holding the y-axis, when there is one.
    static let axisMargin = 38.0

    /// A logo of `columns` where letter heights are the values themselves (negative heights go below the axis).
    public static func svg(_ columns: [[Double]], title: String, style: Style = Style()) -> String {
        let tallest = max(style.top ?? columns.map { $0.filter { $0 > 0 }.reduce(0, +) }.max() ?? 0, 1e-9)
        let deepest = columns.map { -$0.filter { $0 < 0 }.reduce(0, +) }.max() ?? 0
        let height = style.height, columnWidth = style.columnWidth
        let scale = (height - 4) / (tallest + deepest)
        let axis = 2 + tallest * scale
        let left = (style.unit == nil ? 4 : axisMargin) + Double(style.leadingColumns) * columnWidth
        let width = left + Double(columns.count) * columnWidth + 4
        let bottom = style.positions ? 14.0 : 2.0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height + bottom))\" role=\"img\"><title>\(HTML.escape(title))</title>"
        if let unit = style.unit {
            let x = axisMargin - 4
            svg += "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"2\" y2=\"\(f(2 + (tallest + deepest) * scale))\" stroke=\"#666\" stroke-width=\"0.8\"/>"
            for value in [tallest, 0] + (deepest > 0.05 * tallest ? [-deepest] : []) {
                let y = axis - value * scale
                svg += "<line x1=\"\(f(x - 3))\" x2=\"\(f(x))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#666\" stroke-width=\"0.8\"/>"
                svg += "<text x=\"\(f(x - 5))\" y=\"\(f(y + 3))\" font-size=\"8\" text-anchor=\"end\" fill=\"#444\">\(tick(value))</text>"
            }
            svg += "<text transform=\"translate(7 \(f(height / 2))) rotate(-90)\" font-size=\"9\" text-anchor=\"middle\" fill=\"#444\">\(HTML.escape(unit))</text>"
        }
        for (i, column) in columns.enumerated() {
            let x = left + Double(i) * columnWidth
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
            if style.positions {
                svg += "<text x=\"\(f(x + columnWidth / 2))\" y=\"\(f(height + 12))\" font-size=\"9\" text-anchor=\"middle\" fill=\"#666\">\(i + 1)</text>"
            }
        }
        svg += "<line x1=\"\(f(left - 2))\" x2=\"\(f(width - 2))\" y1=\"\(f(axis))\" y2=\"\(f(axis))\" stroke=\"#999\" stroke-width=\"0.5\"/></svg>"
        return svg
    }

    /// Information-content logo of a PFM: each column's letters scaled to p × IC bits, the axis up to 2 bits.
    public static func pfm(_ motif: Motif, title: String, style: Style = Style(top: 2, unit: "bits")) -> String {
        svg(bits(motif), title: title, style: style)
    }

    /// Contribution logo of a CWM: heights are the mean contributions themselves.
    public static func cwm(_ motif: Motif, title: String, style: Style = Style(unit: "relevance")) -> String {
        svg(motif.columns, title: title, style: style)
    }

    /// A PFM's columns as letter heights in bits.
    static func bits(_ motif: Motif) -> [[Double]] {
        motif.columns.indices.map { i in motif.columns[i].map { $0 * motif.informationContent(at: i) } }
    }

    /// A letter filling the box (x, top, width, height): drawn at font size 100 (cap height ≈ 72) and scaled.
    private static func glyph(_ b: Int, x: Double, top: Double, width: Double, height: Double) -> String {
        guard height > 0.3 else { return "" }
        return "<text transform=\"translate(\(f(x)) \(f(top + height))) scale(\(f(width / 64)) \(f(height / 72)))\" font-family=\"DejaVu Sans Mono, monospace\" font-weight=\"bold\" font-size=\"100\" fill=\"\(colours[b])\">\(letters[b])</text>"
    }

    static func tick(_ x: Double) -> String {
        x == 0 ? "0" : abs(x) >= 0.1 ? String(format: "%.2g", x) : String(format: "%.1e", x)
    }

    static func f(_ x: Double) -> String { String(format: "%.2f", x) }
}

enum HTML {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
