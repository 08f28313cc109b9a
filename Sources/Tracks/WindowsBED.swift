import Foundation
import GenomeIO

/// `windows.bed`: row i describes window i of the per-window arrays. BED6, 0-based half-open, ends clipped to the
/// contig; the name is the window's own name (read or record name) or its `chrom:start-end(strand)` identifier,
/// followed by `|suffix` when one is given (one row per output with `explain --target all`).
public enum WindowsBED {
    public static func line(for window: Window, contigLength: Int, nameSuffix: String? = nil) -> String {
        let end = window.clippedEnd(contigLength: contigLength)
        let name = (window.name ?? window.identifier(contigLength: contigLength)) + (nameSuffix.map { "|\($0)" } ?? "")
        return "\(window.contig)\t\(window.start)\t\(end)\t\(name)\t0\t\(window.strand.symbol)\n"
    }
}

extension WindowsBED {
    /// Reads a `windows.bed` as written by `line(for:contigLength:nameSuffix:)`; errors name `file:line`.
    public static func read(path: String) throws -> [Window] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw TracksError("cannot read '\(path)'")
        }
        return try parse(text, path: path)
    }

    /// The rows of a `windows.bed` already read as `text` from `path` (named in errors).
    public static func parse(_ text: String, path: String) throws -> [Window] {
        try text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().filter { !$0.element.isEmpty }.map { index, line in
            try row(line, at: "\(path):\(index + 1)")
        }
    }

    /// One `windows.bed` line; `location` (`file:line`) is named in the error.
    public static func row(_ line: Substring, at location: String) throws -> Window {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 6, let start = Int(fields[1]), let end = Int(fields[2]), start >= 0, end >= start,
              fields[5].count == 1, let strand = fields[5].first.flatMap(Strand.init(symbol:)) else {
            throw TracksError("\(location): not a windows.bed row (chrom, start, end, name, score, strand)")
        }
        return Window(contig: String(fields[0]), start: start, end: end, strand: strand, name: String(fields[3]))
    }
}
