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
        let runs = try BedGraphRuns(path: path, contigs: contigs)
        var spans: [TrackExtent.Span] = []
        var open: TrackExtent.Span?
        while let run = try runs.next() {
            if let span = open, span.contig == run.contig, span.end == run.start {
                open = TrackExtent.Span(contig: span.contig, start: span.start, end: run.end)
            } else {
                if let span = open { spans.append(span) }
                open = TrackExtent.Span(contig: run.contig, start: run.start, end: run.end)
            }
        }
        if let span = open { spans.append(span) }
        return spans
    }
}

/// The runs of a BGZF bedGraph as plrp writes it (sorted, track line first, values as the shortest text that reads
/// back as the same float32), one at a time in file order, so a whole genome's track streams through.
public final class BedGraphRuns {
    public let path: String
    private let contigs: ContigTable
    private let stream: UnsafeMutablePointer<BGZF>
    private var text = kstring_t(l: 0, m: 0, s: nil)
    private var lineNumber = 0
    private var lastName: [UInt8] = []
    private var contig = -1

    public init(path: String, contigs: ContigTable) throws {
        guard let stream = bgzf_open(path, "r") else { throw TracksError("cannot open '\(path)'") }
        self.path = path
        self.contigs = contigs
        self.stream = stream
    }

    deinit {
        free(text.s)
        bgzf_close(stream)
    }

    /// The next run, or nil at the end of the file.
    public func next() throws -> TrackRun? {
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
            guard let end = Self.decimal(bytes[(tab2 + 1)..<tab3]), end > start else { throw TracksError("'\(path)':\(lineNumber): not a bedGraph line") }
            var value: Float = 0
            if tab3 < bytes.endIndex {
                var stop: UnsafeMutablePointer<CChar>?
                let field = line + tab3 + 1
                value = strtof(field, &stop)
                guard stop != field else { throw TracksError("'\(path)':\(lineNumber): not a bedGraph value") }
            }
            if contig < 0 || !lastName.elementsEqual(bytes[..<tab1]) {
                lastName = Array(bytes[..<tab1])
                guard let index = contigs.index(of: String(decoding: lastName, as: UTF8.self)) else {
                    throw TracksError("'\(path)':\(lineNumber): contig '\(String(decoding: lastName, as: UTF8.self))' is not in the track's index")
                }
                contig = index
            }
            return TrackRun(contig: contig, start: start, end: end, value: value)
        }
        return nil
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
