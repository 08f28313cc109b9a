import Foundation

/// The lines of a text file read in blocks, so that a file of any size streams through in bounded memory.
public final class TextLines {
    public let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// The number of the line `next()` returned last (1-based).
    public private(set) var lineNumber = 0
    static let blockSize = 1 << 20

    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw TracksError("cannot read '\(path)'") }
        self.path = path
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next line without its newline, or nil at the end of the file.
    public func next() throws -> String? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                defer { position = newline + 1 }
                lineNumber += 1
                return String(decoding: buffer[position..<newline], as: UTF8.self)
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                defer { position = buffer.count }
                lineNumber += 1
                return String(decoding: buffer[position...], as: UTF8.self)
            }
            try fill()
        }
    }

    /// Copies the rest of the file into `file` block by block; returns the lines it held.
    public func copy(to file: TextFile) throws -> Int {
        var lines = 0
        var last: UInt8 = 0x0A
        while true {
            let rest = buffer[position...]
            lines += rest.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            last = rest.last ?? last
            try file.write(bytes: rest)
            position = buffer.count
            if atEnd { return lines + (last == 0x0A ? 0 : 1) }
            try fill()
        }
    }

    private func fill() throws {
        buffer.removeSubrange(..<position)
        position = 0
        guard let block = try handle.read(upToCount: Self.blockSize), !block.isEmpty else {
            atEnd = true
            return
        }
        buffer.append(contentsOf: block)
    }
}
