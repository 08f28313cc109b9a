import CHTSlib
import Foundation

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
