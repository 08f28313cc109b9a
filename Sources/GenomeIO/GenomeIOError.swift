/// An input problem, worded for the user: it names the file, line or region at fault.
public struct GenomeIOError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The data is wrong or unreadable (exit code 1).
        case data
        /// The request itself is wrong: malformed region, bad parameter (exit code 2).
        case usage
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func data(_ message: String) -> GenomeIOError { GenomeIOError(.data, message) }
    static func usage(_ message: String) -> GenomeIOError { GenomeIOError(.usage, message) }
}
