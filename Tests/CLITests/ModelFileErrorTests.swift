import Foundation
import Model
import TestSupport
import XCTest

/// Every malformed model file gets one `plrp: error:` line naming the tensor or layer, and exit code 1.
final class ModelFileErrorTests: XCTestCase {
    let folder = TemporaryFolder()
    let source = Repo.fixture("models/a_bn_pools.safetensors")

    /// The valid fixture's tensors and metadata, to be broken one way at a time.
    func parts() throws -> ([(String, Tensor)], [String: String]) {
        let file = try SafeTensors(path: source)
        let tensors = try file.entries.keys.sorted().map { ($0, try file.float32($0)!) }
        return (tensors, file.metadata)
    }

    func write(_ data: Data, _ name: String = "m.safetensors") throws -> String {
        let path = folder.file(name)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func writeModel(tensors: [(String, Tensor)], metadata: [String: String]) throws -> String {
        try write(SafeTensors.encode(tensors: tensors, metadata: metadata))
    }

    func expectError(_ path: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try plrp("model", "inspect", path)
        XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("plrp: error: "), result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "'\(fragment)' in \(result.stderr)", file: file, line: line)
        }
    }

    func testValidFixtureInspects() throws {
        let result = try plrp("model", "inspect", source)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdoutText.contains("parameters: "), result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains("[6, 7]"), result.stdoutText)
    }

    func testWrongShape() throws {
        var (tensors, metadata) = try parts()
        let i = tensors.firstIndex { $0.0 == "4.weight" }!
        tensors[i].1 = Tensor(zeros: [6, 8, 5])
        try expectError(try writeModel(tensors: tensors, metadata: metadata),
                        ["layer 4 (conv1d \"4\")", "tensor '4.weight' has shape [6, 8, 5], expected [6, 8, 3]"])
    }

    func testMissingTensor() throws {
        let (tensors, metadata) = try parts()
        try expectError(try writeModel(tensors: tensors.filter { $0.0 != "1.running_var" }, metadata: metadata),
                        ["layer 1 (batchnorm1d \"1\")", "missing tensor '1.running_var'"])
    }

    func testNonFiniteValue() throws {
        for bad in [Float.nan, Float.infinity] {
            var (tensors, metadata) = try parts()
            let i = tensors.firstIndex { $0.0 == "8.weight" }!
            tensors[i].1.values[5] = bad
            try expectError(try writeModel(tensors: tensors, metadata: metadata),
                            ["tensor '8.weight' holds a non-finite value", "element 5"])
        }
    }

    func testUnknownLayerType() throws {
        var (tensors, metadata) = try parts()
        metadata["architecture"] = metadata["architecture"]!.replacingOccurrences(of: "\"type\": \"elu\"", with: "\"type\": \"lstm\"")
        try expectError(try writeModel(tensors: tensors, metadata: metadata), ["layer 5", "unknown layer type 'lstm'"])
    }

    func testShapeMismatchBetweenLayers() throws {
        var (tensors, metadata) = try parts()
        metadata["architecture"] = metadata["architecture"]!.replacingOccurrences(of: "\"in_features\": 42", with: "\"in_features\": 40")
        tensors[tensors.firstIndex { $0.0 == "8.weight" }!].1 = Tensor(zeros: [3, 40])
        try expectError(try writeModel(tensors: tensors, metadata: metadata),
                        ["layer 8 (dense \"8\")", "expects 40 input features, gets 42"])
    }

    func testExtraTensor() throws {
        let (tensors, metadata) = try parts()
        try expectError(try writeModel(tensors: tensors + [("9.weight", Tensor(zeros: [2]))], metadata: metadata),
                        ["tensor '9.weight' belongs to no layer"])
    }

    func testNotAPlrpModel() throws {
        var (tensors, metadata) = try parts()
        metadata["format"] = nil
        try expectError(try writeModel(tensors: tensors, metadata: metadata), ["not a plrp model"])
        metadata["format"] = "plrp-model"
        metadata["architecture"] = "{\"layers\": []"
        try expectError(try writeModel(tensors: tensors, metadata: metadata), ["architecture: not a JSON object"])
    }

    func testHeaderLongerThanFile() throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: source))
        data.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Data($0) })
        try expectError(try write(data), ["header length 1099511627776 does not fit the file"])
    }

    func testTruncatedData() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        try expectError(try write(data.prefix(data.count - 100)), ["do not fit the", "bytes of data"])
    }

    func testHeaderIsNotJSON() throws {
        var data = Data(withUnsafeBytes(of: UInt64(8).littleEndian) { Data($0) })
        data.append(Data("not json".utf8))
        try expectError(try write(data), ["header is not a JSON object"])
    }

    func testTooShort() throws {
        try expectError(try write(Data([1, 2, 3])), ["shorter than 8 bytes"])
    }

    /// A header declaring a huge shape must be refused from the header alone.
    func testHugeShapeRefusedBeforeAllocation() throws {
        let header = #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}"#
        var data = Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Data($0) })
        data.append(Data(header.utf8))
        data.append(Data(count: 16))
        try expectError(try write(data), ["tensor 'w' shape", "larger than the file"])
    }

    func testSizeDisagreesWithOffsets() throws {
        let header = #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}"#
        var data = Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Data($0) })
        data.append(Data(header.utf8))
        data.append(Data(count: 16))
        try expectError(try write(data), ["needs 12 bytes, data_offsets give 16"])
    }

    func testWrongDtype() throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: source))
        // Rewrite one F32 tensor as I32 of the same size: still a well-formed file, but not float32.
        let name = try XCTUnwrap(data.range(of: Data("\"0.bias\"".utf8)))
        let dtype = try XCTUnwrap(data.range(of: Data("F32".utf8), in: name.upperBound..<data.count))
        data.replaceSubrange(dtype, with: Data("I32".utf8))
        try expectError(try write(data), ["tensor '0.bias' is I32"])
    }

    func testOverlappingTensors() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        var data = Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Data($0) })
        data.append(Data(header.utf8))
        data.append(Data(count: 12))
        try expectError(try write(data), ["overlap"])
    }

    func testMissingFile() throws {
        try expectError("/nonexistent/model.safetensors", ["/nonexistent/model.safetensors", "no such file"])
    }
}
