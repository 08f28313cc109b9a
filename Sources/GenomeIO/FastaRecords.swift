import CHTSlib

/// Reads a FASTA file record by record, plain or gzip/BGZF-compressed, without an index: for `--sequences`, where
/// each record is one ready-made window. Memory holds one record at a time.
public final class FastaRecords {
    public let path: String
    private let file: UnsafeMutablePointer<BGZF>
    private var line = kstring_t(l: 0, m: 0, s: nil)
    private var lineNumber = 0
    private var pendingHeader: (name: String, line: Int)?
    private var finished = false

    public init(path: String) throws {
        _ = HTSLog.silenced
        try FileProblem.requireReadableFile(path, what: "sequences FASTA")
        guard let file = bgzf_open(path, "r") else { throw GenomeIOError.data("cannot open sequences FASTA '\(path)'") }
        self.file = file
        self.path = path
    }

    deinit {
        free(line.s)
        bgzf_close(file)
    }

    /// One record: its name (the header up to the first space), bases, and the line its header is on.
    public struct Record {
        public let name: String
        public let bases: [UInt8]
        public let line: Int
    }

    /// The next record, or nil at the end of the file.
    public func next() throws -> Record? {
        if finished { return nil }
        if pendingHeader == nil {
            // The first header: skip blank lines, insist on '>'.
            while let text = try readLine() {
                if text.isEmpty { continue }
                guard text.first == UInt8(ascii: ">") else {
                    throw GenomeIOError.data("\(path):\(lineNumber): expected a '>' header line, found sequence")
                }
                pendingHeader = (Self.name(text), lineNumber)
                break
            }
            guard pendingHeader != nil else {
                finished = true
                return nil
            }
        }
        let header = pendingHeader!
        var bases: [UInt8] = []
        pendingHeader = nil
        while let text = try readLine() {
            if text.first == UInt8(ascii: ">") {
                pendingHeader = (Self.name(text), lineNumber)
                break
            }
            bases.append(contentsOf: text.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") })
        }
        if pendingHeader == nil { finished = true }
        guard !header.name.isEmpty else { throw GenomeIOError.data("\(path):\(header.line): record without a name") }
        guard !bases.isEmpty else { throw GenomeIOError.data("\(path):\(header.line): record '\(header.name)' has no sequence") }
        return Record(name: header.name, bases: bases, line: header.line)
    }

    private static func name(_ header: [UInt8]) -> String {
        let text = header.dropFirst().prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        return String(decoding: text, as: UTF8.self)
    }

    /// The next line without its line end (CRLF accepted), or nil at the end.
    private func readLine() throws -> [UInt8]? {
        let status = bgzf_getline(file, Int32(UInt8(ascii: "\n")), &line)
        if status == -1 { return nil }
        guard status >= 0 else { throw GenomeIOError.data("cannot read '\(path)' after line \(lineNumber): truncated or corrupt file") }
        lineNumber += 1
        var bytes = [UInt8](UnsafeRawBufferPointer(start: line.s, count: Int(line.l)))
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return bytes
    }
}
