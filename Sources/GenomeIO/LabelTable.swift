import Foundation

/// A labels TSV: a row per sequence, its name then one 0/1 column per task. A first line whose value columns are not
/// all numbers is the header and names the tasks (e.g. `name  promoter  enhancer`); otherwise tasks are `task0…`.
/// Blank lines and `#` lines are skipped, CRLF accepted; every error names `file:line`.
public struct LabelTable: Sendable {
    public let tasks: [String]
    public let names: [String]
    /// Row-major `[names.count, tasks.count]`.
    public let values: [Float]
    private let rows: [String: Int]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw GenomeIOError.data("cannot read labels '\(path)': \(FileProblem.describe(path: path))")
        }
        var tasks: [String]? = nil
        var names: [String] = []
        var values: [Float] = []
        var rows: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.trimmingWhitespace().isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0.trimmingWhitespace()) }
            let origin = "\(path):\(index + 1)"
            guard fields.count >= 2 else { throw GenomeIOError.data("\(origin): expected a name and at least one label column") }
            let numbers = fields.dropFirst().map { Float($0) }
            if tasks == nil && numbers.contains(where: { $0 == nil }) {
                tasks = Array(fields.dropFirst())
                continue
            }
            if tasks == nil { tasks = (0..<(fields.count - 1)).map { "task\($0)" } }
            guard fields.count - 1 == tasks!.count else {
                throw GenomeIOError.data("\(origin): \(fields.count - 1) label columns, expected \(tasks!.count)")
            }
            for (column, number) in numbers.enumerated() {
                guard let number, number == 0 || number == 1 else {
                    throw GenomeIOError.data("\(origin): label '\(fields[column + 1])' is not 0 or 1")
                }
                values.append(number)
            }
            guard rows[fields[0]] == nil else { throw GenomeIOError.data("\(origin): sequence '\(fields[0])' is labelled twice") }
            rows[fields[0]] = names.count
            names.append(fields[0])
        }
        guard let tasks, !names.isEmpty else { throw GenomeIOError.data("labels '\(path)' hold no rows") }
        self.tasks = tasks
        self.names = names
        self.values = values
        self.rows = rows
    }

    /// The label row of a sequence, or nil when the table does not name it.
    public func labels(of name: String) -> ArraySlice<Float>? {
        rows[name].map { values[($0 * tasks.count)..<(($0 + 1) * tasks.count)] }
    }
}
