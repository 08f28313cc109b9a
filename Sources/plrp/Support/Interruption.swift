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
        let watched = lock.withLock { outputs }.map { output -> (path: String, created: Bool, isFolder: Bool) in
            var isFolder: ObjCBool = false
            return (output.path, output.created, fm.fileExists(atPath: output.path, isDirectory: &isFolder) && isFolder.boolValue)
        }
        let folders = watched.map { $0.isFolder ? $0.path : PathName.folder(of: $0.path) }
        // Writer threads go on until the process exits and may open another partial file meanwhile: sweep until a
        // sweep until three passes in a row find nothing more to remove (passes 10 ms apart, at most half a second).
        var quiet = 0
        for _ in 0..<50 where quiet < 3 {
            let before = removed
            for output in watched {
                if output.isFolder {
                    for name in (try? fm.contentsOfDirectory(atPath: output.path)) ?? [] where name.hasPrefix(".") && name.hasSuffix(suffix) {
                        remove(PathName.join(output.path, name))
                    }
                    if output.created, (try? fm.contentsOfDirectory(atPath: output.path))?.isEmpty == true {
                        try? fm.removeItem(atPath: output.path)
                    }
                } else {
                    let name = output.path.split(separator: "/").last.map(String.init) ?? output.path
                    let partial = PathName.join(PathName.folder(of: output.path), ".\(name)\(suffix)")
                    if fm.fileExists(atPath: partial) { remove(partial) }
                }
            }
            quiet = removed == before ? quiet + 1 : 0
            usleep(10_000)
        }
        let name = signalNumber == SIGINT ? "SIGINT" : "SIGTERM"
        let place = folders.isEmpty ? "" : " in " + Set(folders).sorted().joined(separator: ", ")
        // On a terminal the line starts afresh (a progress line may be drawn).
        let start = isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[K" : ""
        FileHandle.standardError.write(Data("\(start)plrp: interrupted by \(name); removed \(removed) partial file(s)\(place)\n".utf8))
        _exit(128 + signalNumber)
    }
}
