/// A failure while writing or reading an output, worded for the user with the path at fault.
public struct TracksError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
