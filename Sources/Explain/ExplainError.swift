/// A problem with an explanation request (unknown rule, composite, target or layer name), worded for the user.
public struct ExplainError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
