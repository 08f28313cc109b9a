import Foundation
import Pipeline

/// A progress line on stderr — done/total, rate and ETA — redrawn at most five times a second, and only when stderr
/// is a terminal (never in logs or pipes); `--quiet` turns it off.
final class Progress: ProgressObserver {
    private let unit: String
    private let enabled: Bool
    private let started = Date()
    private var lastDrawn = Date.distantPast
    private var drawn = false

    init(unit: String, enabled: Bool) {
        self.unit = unit
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    func advance(to done: Int, of total: Int?) {
        guard enabled, Date().timeIntervalSince(lastDrawn) >= 0.2 else { return }
        lastDrawn = Date()
        let elapsed = max(Date().timeIntervalSince(started), 1e-9)
        let rate = Double(done) / elapsed
        var line = "\(done)"
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let filled = Int(fraction * 30)
            let eta = rate > 0 ? Double(total - done) / rate : 0
            line = "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: 30 - filled) + "] \(done)/\(total)"
            line += String(format: " %@  %.0f %@/s  ETA %@", unit, rate, unit, Self.duration(eta))
        } else {
            line += String(format: " %@  %.0f %@/s", unit, rate, unit)
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        drawn = true
    }

    /// Clears the line.
    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
