import Foundation
import GenomeIO

/// An output folder whose files appear all at once: each is written under a hidden temporary name and renamed when
/// `commit()` is called. If the run fails first, `abandon()` (or deinit) removes the temporary files, and the folder
/// itself when this run created it, so a failed run leaves nothing behind.
public final class OutputDirectory {
    public let path: String
    private let createdFolder: Bool
    private var staged: [(temporary: String, final: String)] = []
    private var closed = false

    public init(path: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw TracksError("output '\(path)' exists and is not a folder")
            }
            guard fm.isWritableFile(atPath: path) else {
                throw TracksError("output folder '\(path)' is not writable")
            }
            createdFolder = false
            Self.removeAbandonedFiles(in: path)
        } else {
            let existingParent = Self.nearestExistingAncestor(PathName.folder(of: path))
            guard fm.isWritableFile(atPath: existingParent) else {
                throw TracksError("cannot create output folder '\(path)': '\(existingParent)' is not writable")
            }
            do {
                try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw TracksError("cannot create output folder '\(path)': \(error.localizedDescription)")
            }
            createdFolder = true
        }
        self.path = path
    }

    deinit { if !closed { abandon() } }

    /// The temporary path to write `name` to; it becomes `path/name` on commit.
    public func stage(_ name: String) -> String {
        let final = PathName.join(path, name)
        let temporary = PathName.join(path, ".\(name).partial-\(getpid())")
        staged.append((temporary, final))
        return temporary
    }

    /// The temporary path `name` was staged under, if it was.
    public func staged(_ name: String) -> String? {
        staged.first { $0.final == PathName.join(path, name) }?.temporary
    }

    /// Renames every staged file to its final name.
    public func commit() throws {
        for file in staged {
            guard rename(file.temporary, file.final) == 0 else {
                let reason = String(cString: strerror(errno))
                abandon()
                throw TracksError("cannot write '\(file.final)': \(reason)")
            }
        }
        closed = true
    }

    /// Removes staged files (and the folder, if this run created it and it is empty).
    public func abandon() {
        closed = true
        let fm = FileManager.default
        for file in staged { try? fm.removeItem(atPath: file.temporary) }
        if createdFolder, (try? fm.contentsOfDirectory(atPath: path))?.isEmpty == true {
            try? fm.removeItem(atPath: path)
        }
    }

    /// Temporary files of earlier runs that were killed (`.NAME.partial-PID` whose process is gone).
    private static func removeAbandonedFiles(in folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(".") {
            guard let marker = name.range(of: ".partial-", options: .backwards), let pid = Int32(name[marker.upperBound...]) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: PathName.join(folder, name))
            }
        }
    }

    private static func nearestExistingAncestor(_ path: String) -> String {
        var current = path
        while !FileManager.default.fileExists(atPath: current) {
            let parent = PathName.folder(of: current)
            if parent == current { return parent }
            current = parent
        }
        return current
    }
}
