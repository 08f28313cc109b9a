import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A buffered file for writing (or reading) binary data, with seeking. Owns its `FILE*`.
final class BinaryFile {
    let path: String
    private let stream: UnsafeMutablePointer<FILE>
    private let ownsStream: Bool

    init(writingTo path: String) throws {
        guard let stream = fopen(path, "wb") else {
            throw TracksError("cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.stream = stream
        ownsStream = true
        setvbuf(stream, nil, _IOFBF, 1 << 20)
    }

    init(readingFrom path: String) throws {
        guard let stream = fopen(path, "rb") else {
            throw TracksError("cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.stream = stream
        ownsStream = true
    }

    /// A scratch file to write and read back, unlinked at once so that it vanishes when closed, even if the process
    /// dies first.
    init(scratchAt path: String) throws {
        guard let stream = fopen(path, "w+b") else {
            throw TracksError("cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        unlink(path)
        self.path = path
        self.stream = stream
        ownsStream = true
        setvbuf(stream, nil, _IOFBF, 1 << 20)
    }

    /// Standard output, for `-o -`.
    init(standardOutput: Void) {
        path = "-"
        stream = stdout
        ownsStream = false
    }

    deinit { if ownsStream { fclose(stream) } }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        guard fwrite(bytes.baseAddress, 1, bytes.count, stream) == bytes.count else {
            throw TracksError("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    func write<T>(contentsOf values: [T]) throws { try values.withUnsafeBytes { try write($0) } }

    func read(count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, count, stream) }
        guard got == count else { throw TracksError("'\(path)': unexpected end of file") }
        return bytes
    }

    /// Reads `count` elements of a trivial type straight into an array.
    func read<T>(_ type: T.Type, count: Int, placeholder: T) throws -> [T] {
        var values = [T](repeating: placeholder, count: count)
        let bytes = count * MemoryLayout<T>.stride
        let got = values.withUnsafeMutableBytes { fread($0.baseAddress, 1, bytes, stream) }
        guard got == bytes else { throw TracksError("'\(path)': unexpected end of file") }
        return values
    }

    /// Appends this file's first `count` bytes to `other`.
    func copy(_ count: Int, to other: BinaryFile) throws {
        try seek(to: 0)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var left = count
        while left > 0 {
            let n = min(left, buffer.count)
            let got = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, n, stream) }
            guard got == n else { throw TracksError("'\(path)': unexpected end of file") }
            try buffer.withUnsafeBytes { try other.write(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            left -= n
        }
    }

    var offset: Int { Int(ftello(stream)) }

    func seek(to offset: Int) throws {
        guard fseeko(stream, off_t(offset), SEEK_SET) == 0 else {
            throw TracksError("cannot seek in '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    var size: Int {
        let here = ftello(stream)
        fseeko(stream, 0, SEEK_END)
        let end = ftello(stream)
        fseeko(stream, here, SEEK_SET)
        return Int(end)
    }

    func flush() throws {
        guard fflush(stream) == 0 else {
            throw TracksError("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}

/// Little-endian byte packing for binary headers.
extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
