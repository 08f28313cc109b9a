/// Parses command-line regions in samtools syntax: `chr`, `chr:beg`, `chr:beg-end`, `chr:-end`, thousands separators
/// allowed, `{name}` for contig names that contain ':'. Coordinates are 1-based inclusive on input and 0-based
/// half-open in the result. An open end is resolved against `contigs`.
public enum RegionSyntax {
    public static func parse(_ text: String, contigs: ContigTable) throws -> GenomicRegion {
        let trimmed = String(text.trimmingWhitespace())
        guard !trimmed.isEmpty else { throw malformed(text, "empty region") }

        let name: String
        let rangeText: Substring?
        if trimmed.hasPrefix("{") {
            guard let close = trimmed.firstIndex(of: "}") else { throw malformed(text, "'{' without a closing '}'") }
            name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...]
            if rest.isEmpty {
                rangeText = nil
            } else if rest.hasPrefix(":") {
                rangeText = rest.dropFirst()
            } else {
                throw malformed(text, "expected ':' after '}'")
            }
        } else if contigs.index(of: trimmed) != nil {
            // A whole contig whose name may itself contain ':'.
            name = trimmed
            rangeText = nil
        } else if let colon = trimmed.lastIndex(of: ":") {
            name = String(trimmed[..<colon])
            rangeText = trimmed[trimmed.index(after: colon)...]
        } else {
            name = trimmed
            rangeText = nil
        }
        guard !name.isEmpty else { throw malformed(text, "missing contig name") }
        guard let length = contigs.length(of: name) else {
            throw GenomeIOError.data("region '\(text)': unknown contig '\(name)'")
        }
        guard let rangeText else { return GenomicRegion(contig: name, start: 0, end: length) }

        let digits = rangeText.filter { $0 != "," }
        let parts = digits.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let begText = parts[0]
        let endText: Substring? = parts.count == 2 ? parts[1] : nil
        let beg: Int
        if begText.isEmpty {
            guard endText != nil else { throw malformed(text, "missing start after ':'") }
            beg = 1
        } else {
            guard let value = Int(begText), value >= 0 else { throw malformed(text, "start '\(begText)' is not a number") }
            beg = max(value, 1)
        }
        var end = length
        if let endText, !endText.isEmpty {
            guard let value = Int(endText), value >= 0 else { throw malformed(text, "end '\(endText)' is not a number") }
            end = value
        } else if endText != nil, begText.isEmpty {
            throw malformed(text, "missing coordinates after ':'")
        }
        guard beg <= end else {
            throw GenomeIOError.usage("malformed region '\(text)': start \(beg) is after end \(end)")
        }
        return GenomicRegion(contig: name, start: beg - 1, end: end)
    }

    private static func malformed(_ text: String, _ why: String) -> GenomeIOError {
        GenomeIOError.usage("malformed region '\(text)': \(why)")
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return s
    }
}
