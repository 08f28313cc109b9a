import Foundation

/// A small self-contained SVG line chart (axes, ticks, legend), for the plots commands write beside their tables.
public struct LineChart {
    public struct Series {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public var colour: String
        public var dashed = false

        public init(name: String, x: [Double], y: [Double], colour: String, dashed: Bool = false) {
            self.name = name
            self.x = x
            self.y = y
            self.colour = colour
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series] = []
    /// Spans of x to shade (e.g. ground-truth sites).
    public var shaded: [(Double, Double)] = []
    public var width = 640.0
    public var height = 360.0

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    public var svg: String {
        let left = 64.0, right = 170.0, top = 34.0, bottom = 46.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let xs = series.flatMap(\.x).filter(\.isFinite), ys = series.flatMap(\.y).filter(\.isFinite)
        var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
        var (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        if x1 == x0 { x1 = x0 + 1 }
        if y1 == y0 { (y0, y1) = (y0 - 0.5, y1 + 0.5) }
        let pad = (y1 - y0) * 0.05
        (y0, y1) = (y0 - pad, y1 + pad)
        let px = { (x: Double) in left + (x - x0) / (x1 - x0) * plotWidth }
        let py = { (y: Double) in top + (1 - (y - y0) / (y1 - y0)) * plotHeight }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
        s += "<text x=\"\(f(left))\" y=\"20\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"
        for (a, b) in shaded {
            s += "<rect x=\"\(f(px(a)))\" y=\"\(f(top))\" width=\"\(f(max(1, px(b) - px(a))))\" height=\"\(f(plotHeight))\" fill=\"#fde7b0\"/>"
        }
        for k in 0...4 {
            let yv = y0 + Double(k) / 4 * (y1 - y0), xv = x0 + Double(k) / 4 * (x1 - x0)
            s += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(py(yv)))\" y2=\"\(f(py(yv)))\" stroke=\"#eee\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(py(yv) + 4))\" text-anchor=\"end\">\(tick(yv))</text>"
            s += "<text x=\"\(f(px(xv)))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\">\(tick(xv))</text>"
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#444\"/>"
        s += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\">\(escape(xLabel))</text>"
        s += "<text transform=\"translate(16 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>"
        for (k, line) in series.enumerated() {
            let points = zip(line.x, line.y).filter { $0.0.isFinite && $0.1.isFinite }.map { "\(f(px($0.0))),\(f(py($0.1)))" }
            let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
            if points.count > 1 {
                s += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(line.colour)\" stroke-width=\"1.8\"\(dash)/>"
            }
            if line.x.count <= 12 {
                for p in points { let xy = p.split(separator: ","); s += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(line.colour)\"/>" }
            }
            let ly = top + 12 + Double(k) * 16
            s += "<line x1=\"\(f(width - right + 12))\" x2=\"\(f(width - right + 36))\" y1=\"\(f(ly - 4))\" y2=\"\(f(ly - 4))\" stroke=\"\(line.colour)\" stroke-width=\"2\"\(dash)/>"
            s += "<text x=\"\(f(width - right + 42))\" y=\"\(f(ly))\">\(escape(line.name))</text>"
        }
        return s + "</svg>\n"
    }

    private func f(_ x: Double) -> String { String(format: "%.1f", x) }
    private func tick(_ x: Double) -> String { String(format: abs(x) >= 100 || x == x.rounded() ? "%.0f" : "%.3g", x) }
    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
