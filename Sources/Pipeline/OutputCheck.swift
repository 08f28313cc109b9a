import Foundation
import Tracks
import GenomeIO

/// The default thread count of every job: all the cores the process may use (results do not depend on it).
public let everyCore = max(1, ProcessInfo.processInfo.activeProcessorCount)

/// Checks on output paths before anything is written.
public enum OutputCheck {
    /// A usage error when `folder` exists, holds visible files and has no manifest.json of plrp's: a folder of
    /// someone else's files that a mistyped `-o` would write into.
    public static func refuseForeignFolder(_ folder: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else { return }
        let visible = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }
        guard !visible.isEmpty, !writtenByPlrp(folder) else { return }
        throw PipelineError.usage("output folder '\(folder)' holds \(visible.count) file(s) and no plrp manifest.json; give an empty or new folder, or --force to write into it")
    }

    /// Whether `folder/manifest.json` is a plrp manifest.
    public static func writtenByPlrp(_ folder: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: PathName.join(folder, "manifest.json")),
              let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return document["plrp_version"] != nil
    }
}

extension OutputCheck {
    /// The output folder, opened; when it cannot be, the error names the path and the system's reason.
    public static func folder(_ path: String) throws -> OutputDirectory {
        do {
            return try OutputDirectory(path: path)
        } catch let error as TracksError {
            throw PipelineError.data(reason(creating: path) ?? error.message)
        }
    }

    /// Why `path` cannot be written into or created, from the system (nil when it could be after all).
    private static func reason(creating path: String) -> String? {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue, access(path, W_OK) != 0 else { return nil }
            return "cannot write into output folder '\(path)': \(String(cString: strerror(errno)))"
        }
        var missing = path
        while !fm.fileExists(atPath: PathName.folder(of: missing)), PathName.folder(of: missing) != missing {
            missing = PathName.folder(of: missing)
        }
        guard mkdir(missing, 0o777) != 0 else {
            rmdir(missing)
            return nil
        }
        let reason = String(cString: strerror(errno))
        return "cannot create output folder '\(path)'\(missing == path ? "" : " ('\(missing)')"): \(reason)"
    }
}
