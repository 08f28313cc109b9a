import Foundation

/// Reads regions from BED (3+ columns) and narrowPeak files: `track`, `browser` and `#` lines and blank lines are
/// skipped, CRLF line ends accepted, columns separated by tabs (or by runs of spaces when a line has no tab).
/// Every error names `file:line`.
public enum RegionFile {
    /// A region together with the place it was read from, for later messages.
    public struct Entry: Sendable {
        public let region: GenomicRegion
        public let origin: String
    }

    public static func read(path: String) throws -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GenomeIOError.data("cannot read regions file '\(path)': \(FileProblem.describe(path: path))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GenomeIOError.data("\(path): not a text file")
        }
        return try parse(text, path: path, narrowPeak: path.lowercased().contains("narrowpeak"))
    }

    /// Parses BED or narrowPeak text; `path` only names the source in messages.
    public static func parse(_ text: String, path: String, narrowPeak isNarrowPeak: Bool) throws -> [Entry] {
        var entries: [Entry] = []
        var lineNumber = 0
        // Split on "\n" bytes rather than Character lines so that "\r\n" is handled explicitly and cheaply.
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var bytes = Substring(rawLine)
            if bytes.hasSuffix("\r") { bytes.removeLast() }
            let line = bytes
            let origin = "\(path):\(lineNumber)"
            if line.trimmingWhitespace().isEmpty || line.hasPrefix("#") || line.hasPrefix("track")
                || line.hasPrefix("browser") {
                continue
            }
            entries.append(Entry(region: try parseLine(line, origin: origin, narrowPeak: isNarrowPeak), origin: origin))
        }
        return entries
    }

    static func parseLine(_ line: Substring, origin: String, narrowPeak: Bool) throws -> GenomicRegion {
        let fields: [Substring] = line.contains("\t")
            ? line.split(separator: "\t", omittingEmptySubsequences: false)
            : line.split(whereSeparator: { $0 == " " })
        guard fields.count >= 3 else {
            throw GenomeIOError.data("\(origin): expected at least 3 columns (chrom, start, end), found \(fields.count)")
        }
        let contig = String(fields[0].trimmingWhitespace())
        guard !contig.isEmpty else { throw GenomeIOError.data("\(origin): empty chromosome name") }
        guard let start = Int(fields[1].trimmingWhitespace()), start >= 0 else {
            throw GenomeIOError.data("\(origin): start '\(fields[1])' is not a non-negative integer")
        }
        guard let end = Int(fields[2].trimmingWhitespace()), end >= 0 else {
            throw GenomeIOError.data("\(origin): end '\(fields[2])' is not a non-negative integer")
        }
        guard start < end else {
            throw GenomeIOError.data("\(origin): start \(start) is not before end \(end) (BED is 0-based half-open)")
        }
        let name = fields.count >= 4 ? String(fields[3].trimmingWhitespace()) : nil
        var summit: Int? = nil
        if narrowPeak {
            guard fields.count >= 10 else {
                throw GenomeIOError.data("\(origin): narrowPeak needs 10 columns, found \(fields.count)")
            }
            guard let offset = Int(fields[9].trimmingWhitespace()) else {
                throw GenomeIOError.data("\(origin): peak offset '\(fields[9])' is not an integer")
            }
            if offset >= 0 {
                guard offset < end - start else {
                    throw GenomeIOError.data("\(origin): peak offset \(offset) lies outside the peak")
                }
                summit = offset
            }
        }
        return GenomicRegion(contig: contig, start: start, end: end, name: name == "." ? nil : name,
                             summitOffset: summit)
    }
}

/// Words the reason a path cannot be used, for error messages.
enum FileProblem {
    static func describe(path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return "unreadable"
    }

    /// Throws unless `path` is an existing, readable regular file.
    static func requireReadableFile(_ path: String, what: String) throws {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || isDirectory.boolValue
            || !FileManager.default.isReadableFile(atPath: path) {
            throw GenomeIOError.data("cannot open \(what) '\(path)': \(describe(path: path))")
        }
    }
}
