import ArgumentParser
import Foundation
import Pipeline

/// A usage problem found by a command outside the library (exit code 2).
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// A data problem found by a command outside the library (exit code 1).
struct DataError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

enum Failure {
    /// Parses the command line, runs the command and returns the process exit code.
    static func run(_ root: Plrp.Type) -> Int32 {
        let command: ParsableCommand
        do {
            command = try root.parseAsRoot()
        } catch {
            return report(error)
        }
        do {
            var command = command
            try command.run()
            return 0
        } catch {
            return report(error)
        }
    }

    static func report(_ error: Error) -> Int32 {
        if let (kind, message) = PipelineError.classify(error) {
            return fail(message, code: kind == .usage ? 2 : 1)
        }
        switch error {
        case let error as UsageError:
            return fail(error.description, code: 2)
        case let error as DataError:
            return fail(error.description, code: 1)
        default:
            let code = Plrp.exitCode(for: error)
            if code == .success {
                print(Plrp.fullMessage(for: error))
                return 0
            }
            if code.rawValue == 1 || error is ExitCode { return code.rawValue }
            // Parsing and validation errors: one line, exit code 2.
            let message = Plrp.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            return fail(message.replacingOccurrences(of: "Error: ", with: ""), code: 2)
        }
    }

    private static func fail(_ message: String, code: Int32) -> Int32 {
        // Files are written under a partial name and renamed when complete; the user named the final one.
        let line = message.replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "/\\.([^/']+)\\.partial-[0-9]+", with: "/$1", options: .regularExpression)
        FileHandle.standardError.write(Data("plrp: error: \(line)\n".utf8))
        return code
    }
}

/// Messages on stderr that are not errors.
enum Console {
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("plrp: warning: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("plrp: \(message)\n".utf8))
    }
}
