import Explain
import Foundation
import GenomeIO
import Model
import Motifs
import Tracks

/// A problem found by the pipeline, worded for the user. `usage`: the request is wrong (a bad option value, options
/// that do not fit together); `data`: the input is wrong or unreadable. The command line exits with 2 and 1.
public struct PipelineError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case usage, data }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func usage(_ message: String) -> PipelineError { PipelineError(.usage, message) }
    public static func data(_ message: String) -> PipelineError { PipelineError(.data, message) }

    public var description: String { message }

    /// The kind and message of any error the pipeline's modules throw, or nil for an error from elsewhere.
    /// Explanation requests (rules, composites, layers) are usage problems; tracks, models and motif input are data.
    public static func classify(_ error: Error) -> (kind: Kind, message: String)? {
        switch error {
        case let error as PipelineError: return (error.kind, error.message)
        case let error as GenomeIOError: return (error.kind == .usage ? .usage : .data, error.message)
        case let error as TracksError: return (.data, error.message)
        case let error as ModelError: return (.data, error.message)
        case let error as ExplainError: return (.usage, error.message)
        case let error as MotifsError: return (.data, error.message)
        default: return nil
        }
    }
}

/// Where the pipeline's warnings go (clipped regions, conservation checks, tracks left out).
public struct Diagnostics: Sendable {
    public var warn: @Sendable (String) -> Void

    public init(warn: @escaping @Sendable (String) -> Void) { self.warn = warn }

    /// `plrp: warning: MESSAGE` lines on stderr, as the command line prints them.
    public static let standardError = Diagnostics { message in
        FileHandle.standardError.write(Data("plrp: warning: \(message)\n".utf8))
    }

    public static let silent = Diagnostics { _ in }
}

/// The version written into manifests and output headers.
public let plrpVersion = "0.1.0"
