import Dispatch
import Foundation
import GenomeIO

/// SIGINT and SIGTERM: this process's partial files in the outputs it writes are removed (and an output folder it
/// created, once empty), one line on stderr says so, and the process exits with 128 + the signal number.
enum Interruption {
    private static let lock = NSLock()
    private static var outputs: [(path: String, created: Bool)] = []
    private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers; called once at start-up.
    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { interrupted(by: signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    /// Records that this process writes `path`: an output folder, or a file (written under a partial name beside it).
    static func watch(_ path: String) {
        guard path != "-" else { return }
        let existed = FileManager.default.fileExists(atPath: path)
        lock.withLock { outputs.append((path, !existed)) }
    }

    private static func interrupted(by signalNumber: Int32) -> Never {
        let suffix = ".partial-\(getpid())"
        let fm = FileManager.default
        var removed = 0
        func remove(_ path: String) {
            if (try? fm.removeItem(atPath: path)) != nil { removed += 1 }
        }
        var folders: [String] = []
        for output in lock.withLock({ outputs }) {
            var isFolder: ObjCBool = false
            if fm.fileExists(atPath: output.path, isDirectory: &isFolder), isFolder.boolValue {
                for name in (try? fm.contentsOfDirectory(atPath: output.path)) ?? [] where name.hasPrefix(".") && name.hasSuffix(suffix) {
                    remove(PathName.join(output.path, name))
                }
                if output.created, (try? fm.contentsOfDirectory(atPath: output.path))?.isEmpty == true {
                    try? fm.removeItem(atPath: output.path)
                }
                folders.append(output.path)
            } else {
                let name = output.path.split(separator: "/").last.map(String.init) ?? output.path
                let partial = PathName.join(PathName.folder(of: output.path), ".\(name)\(suffix)")
                if fm.fileExists(atPath: partial) { remove(partial) }
                folders.append(PathName.folder(of: output.path))
            }
        }
        let name = signalNumber == SIGINT ? "SIGINT" : "SIGTERM"
        let place = folders.isEmpty ? "" : " in " + Set(folders).sorted().joined(separator: ", ")
        // On a terminal the line starts afresh (a progress line may be drawn).
        let start = isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[K" : ""
        FileHandle.standardError.write(Data("\(start)plrp: interrupted by \(name); removed \(removed) partial file(s)\(place)\n".utf8))
        _exit(128 + signalNumber)
    }
}
