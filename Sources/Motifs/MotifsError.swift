/// A problem with motif input (exit code 1), naming the file and line at fault.
public struct MotifsError: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
