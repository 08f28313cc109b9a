import Foundation
import GenomeIO

/// One output file that appears only when complete: written under a hidden temporary name in the same folder and
/// renamed by `commit()`; removed by `abandon()` or deinit if the run fails first. `-` is standard output. An existing
/// path that is not a regular file (`/dev/null`, a named pipe) is written directly: renaming over it would replace
/// the device or pipe with a file.
public final class OutputFile {
    public let path: String
    /// Where to write: the temporary path, the path itself for a device or pipe, or nil for standard output.
    public let stagingPath: String?
    private let direct: Bool
    private var closed = false

    public init(path: String) throws {
        self.path = path
        guard path != "-" else {
            stagingPath = nil
            direct = true
            return
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw TracksError("output '\(path)' is a folder; give a file name")
        }
        if let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType,
           type != .typeRegular {
            stagingPath = path
            direct = true
            return
        }
        direct = false
        let folder = PathName.folder(of: path)
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw TracksError("cannot write '\(path)': folder '\(folder)' does not exist or is not writable")
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        stagingPath = PathName.join(folder, ".\(name).partial-\(getpid())")
    }

    deinit { if !closed { abandon() } }

    /// Writes the whole file in one go (to the staging path, the device, or standard output); `commit()` publishes it.
    public func write(_ data: Data) throws {
        if let stagingPath {
            do {
                try data.write(to: URL(fileURLWithPath: stagingPath))  // in place: not atomic, see the type's comment
            } catch {
                throw TracksError("cannot write '\(path)': \(error.localizedDescription)")
            }
        } else {
            FileHandle.standardOutput.write(data)
        }
    }

    public func commit() throws {
        closed = true
        guard let stagingPath, !direct else { return }
        guard rename(stagingPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: stagingPath)
            throw TracksError("cannot write '\(path)': \(reason)")
        }
    }

    public func abandon() {
        closed = true
        if let stagingPath, !direct { try? FileManager.default.removeItem(atPath: stagingPath) }
    }
}
