import CHTSlib
import Foundation
import GenomeIO

/// Reads back what `BedGraphWriter` wrote.
public enum BedGraphReader {
    /// The first line of a BGZF (or plain) bedGraph — its track line — without the newline.
    public static func firstLine(of path: String) throws -> String {
        guard let stream = bgzf_open(path, "r") else { throw TracksError("cannot open '\(path)'") }
        defer { bgzf_close(stream) }
        var line = kstring_t(l: 0, m: 0, s: nil)
        defer { free(line.s) }
        guard bgzf_getline(stream, Int32(UInt8(ascii: "\n")), &line) >= 0, let text = line.s else {
            throw TracksError("'\(path)' is empty")
        }
        return String(cString: text)
    }
}

extension BedGraphReader {
    /// The bases a bedGraph's lines cover, as spans (book-ended lines joined) of the contigs in `contigs`; the lines
    /// must be sorted, as plrp writes them. Read as a stream, so memory holds the spans, not the lines.
    public static func coverage(of path: String, contigs: ContigTable) throws -> [TrackExtent.Span] {
        guard let stream = bgzf_open(path, "r") else { throw TracksError("cannot open '\(path)'") }
        defer { bgzf_close(stream) }
        var text = kstring_t(l: 0, m: 0, s: nil)
        defer { free(text.s) }
        var spans: [TrackExtent.Span] = []
        var lastName: [UInt8] = [], contig = -1
        var open: (start: Int, end: Int)?
        var lineNumber = 0
        while bgzf_getline(stream, Int32(UInt8(ascii: "\n")), &text) >= 0 {
            lineNumber += 1
            guard let line = text.s, text.l > 0, line[0] != UInt8(ascii: "#"), !(lineNumber == 1 && text.l >= 5 && memcmp(line, "track", 5) == 0) else {
                continue
            }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(line).assumingMemoryBound(to: UInt8.self), count: Int(text.l))
            guard let tab1 = bytes.firstIndex(of: 0x09), let tab2 = bytes[(tab1 + 1)...].firstIndex(of: 0x09),
                  let start = Self.decimal(bytes[(tab1 + 1)..<tab2]) else {
                throw TracksError("'\(path)':\(lineNumber): not a bedGraph line")
            }
            let tab3 = bytes[(tab2 + 1)...].firstIndex(of: 0x09) ?? bytes.endIndex
            guard let end = Self.decimal(bytes[(tab2 + 1)..<tab3]) else { throw TracksError("'\(path)':\(lineNumber): not a bedGraph line") }
            if contig < 0 || !lastName.elementsEqual(bytes[..<tab1]) {
                if let span = open { spans.append(TrackExtent.Span(contig: contig, start: span.start, end: span.end)) }
                open = nil
                lastName = Array(bytes[..<tab1])
                guard let index = contigs.index(of: String(decoding: lastName, as: UTF8.self)) else {
                    throw TracksError("'\(path)':\(lineNumber): contig '\(String(decoding: lastName, as: UTF8.self))' is not in the track's index")
                }
                contig = index
            }
            if let span = open, span.end == start {
                open = (span.start, end)
            } else {
                if let span = open { spans.append(TrackExtent.Span(contig: contig, start: span.start, end: span.end)) }
                open = (start, end)
            }
        }
        if let span = open { spans.append(TrackExtent.Span(contig: contig, start: span.start, end: span.end)) }
        return spans
    }

    private static func decimal(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= 0x30 && digit <= 0x39 else { return nil }
            value = value * 10 + Int(digit - 0x30)
        }
        return value
    }
}
