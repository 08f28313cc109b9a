/// A problem with a model file or a model's use, worded for the user: it names the file, layer or tensor at fault.
public struct ModelError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
