import Foundation
import TestSupport
import XCTest

/// Every command's --help, at 80 and 200 columns: no line wider than the terminal, and prose wrapped only by the
/// argument parser (at 200 columns a paragraph's short line is its last).
final class HelpTests: XCTestCase {
    static let commands = [[], ["run"], ["query"], ["merge"], ["encode"], ["predict"], ["explain"], ["motifs"], ["evaluate"],
                           ["simulate"], ["train"], ["model"], ["model", "inspect"], ["model", "import"]]

    func help(_ command: [String], columns: Int) throws -> String {
        let run = try runProcess(Repo.binary, command + ["--help"], environment: ["COLUMNS": "\(columns)"])
        XCTAssertEqual(run.status, 0, "\(command): \(run.stderr)")
        return run.stdoutText
    }

    func testNoLineIsWiderThanTheTerminal() throws {
        for command in Self.commands {
            for columns in [80, 200] {
                let lines = try help(command, columns: columns).split(separator: "\n", omittingEmptySubsequences: false)
                XCTAssertGreaterThan(lines.count, 5, "\(command)")
                for line in lines {
                    XCTAssertLessThanOrEqual(line.count, columns, "plrp \(command.joined(separator: " ")) --help at \(columns): \(line)")
                }
            }
        }
    }

    func testProseIsWrappedOnceByTheParser() throws {
        for command in Self.commands {
            let text = try help(command, columns: 200)
            guard let usage = text.range(of: "\nUSAGE:") else { return XCTFail("\(command): no USAGE") }
            let prose = text[..<usage.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            for (i, line) in prose.enumerated() where i + 1 < prose.count && !line.isEmpty && !prose[i + 1].isEmpty {
                XCTAssertGreaterThan(line.count, 150, "plrp \(command.joined(separator: " ")): a line broken by hand: \(line)")
            }
        }
    }
}
