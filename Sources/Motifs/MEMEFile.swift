import Foundation

/// MEME minimal motif format (version 4, DNA): reading a database and writing discovered motifs.
public enum MEMEFile {
    /// How far a probability row may be from summing to 1 (JASPAR's six-decimal rounding stays far inside it).
    public static let rowTolerance = 0.01

    /// Parses every `MOTIF` with its `letter-probability matrix`. Throws with file and line for malformed input,
    /// rows that do not sum to 1, or a file without motifs.
    public static func read(path: String) throws -> [Motif] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MotifsError("cannot read motif file '\(path)'")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MotifsError("'\(path)' is not a text file")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws -> [Motif] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard lines.contains(where: { $0.hasPrefix("MEME version") }) else {
            throw MotifsError("'\(path)' is not a MEME motif file (no 'MEME version' line)")
        }
        if let alphabet = lines.first(where: { $0.hasPrefix("ALPHABET") }) {
            let letters = alphabet.split(separator: "=", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard letters.uppercased() == "ACGT" else {
                throw MotifsError("'\(path)': alphabet '\(letters)' is not ACGT")
            }
        }
        var motifs: [Motif] = []
        var i = 0
        while i < lines.count {
            guard lines[i].hasPrefix("MOTIF") else { i += 1; continue }
            let fields = lines[i].split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { throw MotifsError("\(path):\(i + 1): MOTIF line without an identifier") }
            let motifLine = i + 1
            i += 1
            while i < lines.count, !lines[i].hasPrefix("letter-probability"), !lines[i].hasPrefix("MOTIF") { i += 1 }
            guard i < lines.count, lines[i].hasPrefix("letter-probability") else {
                throw MotifsError("\(path):\(motifLine): motif \(fields[1]) has no letter-probability matrix")
            }
            let header = lines[i]
            let width = value(of: "w", in: header)
            let sites = value(of: "nsites", in: header) ?? 0
            i += 1
            var columns: [[Double]] = []
            while i < lines.count {
                let line = lines[i]
                if line.isEmpty || line.hasPrefix("URL") || line.hasPrefix("MOTIF") { break }
                if let width, columns.count == width { break }
                let numbers = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { Double($0) }
                guard numbers.count == 4, numbers.allSatisfy({ $0 != nil && $0! >= 0 && $0!.isFinite }) else {
                    throw MotifsError("\(path):\(i + 1): expected four non-negative probabilities, got '\(line)'")
                }
                let row = numbers.map { $0! }
                let sum = row.reduce(0, +)
                guard abs(sum - 1) <= rowTolerance else {
                    throw MotifsError("\(path):\(i + 1): probabilities of motif \(fields[1]) sum to \(sum), not 1")
                }
                columns.append(row.map { $0 / sum })
                i += 1
            }
            guard !columns.isEmpty else { throw MotifsError("\(path):\(motifLine): motif \(fields[1]) has an empty matrix") }
            if let width, width != columns.count {
                throw MotifsError("\(path):\(motifLine): motif \(fields[1]) declares w= \(width) but has \(columns.count) rows")
            }
            motifs.append(Motif(id: String(fields[1]), name: fields.count > 2 ? String(fields[2]) : "",
                                columns: columns, sites: Int(sites)))
        }
        guard !motifs.isEmpty else { throw MotifsError("'\(path)' holds no motifs") }
        return motifs
    }

    /// MEME text for `motifs` (probability matrices), with `comments` as header lines.
    public static func format(_ motifs: [Motif], comments: [String] = []) -> String {
        var text = "MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\nBackground letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n"
        for comment in comments { text += "# \(comment)\n" }
        if !comments.isEmpty { text += "\n" }
        for motif in motifs {
            text += "MOTIF \(motif.id)\(motif.name.isEmpty ? "" : " \(motif.name)")\n"
            text += "letter-probability matrix: alength= 4 w= \(motif.width) nsites= \(motif.sites) E= 0\n"
            for column in motif.columns {
                text += " " + column.map { String(format: "%.6f", $0) }.joined(separator: " ") + "\n"
            }
            text += "\n"
        }
        return text
    }

    /// The number after `key=` in a matrix header (`w= 12`, `nsites= 9`).
    private static func value(of key: String, in header: String) -> Int? {
        let tokens = header.replacingOccurrences(of: "=", with: "= ").split(separator: " ").map(String.init)
        guard let k = tokens.firstIndex(of: key + "="), k + 1 < tokens.count else { return nil }
        // Anything but a plain count (negative, fractional, huge, not a number) is treated as absent.
        guard let value = Double(tokens[k + 1]), value.isFinite, value >= 0, value < 1e9, value == value.rounded() else { return nil }
        return Int(value)
    }
}
