import Foundation
import TestSupport
import Tracks
import XCTest

final class NPZTests: XCTestCase {
    func testRoundTripWithUnknownRowCount() throws {
        let folder = TemporaryFolder()
        let path = folder.file("a.npz")
        let writer = try NPZWriter(path: path, rowShape: [4, 3])
        try writer.append((0..<24).map(Float.init))
        try writer.append((24..<36).map(Float.init))
        try writer.finish()
        let array = try NPZReader.read(path: path)
        XCTAssertEqual(array.shape, [3, 4, 3])
        XCTAssertEqual(array.values, (0..<36).map(Float.init))
    }

    func testEmptyArray() throws {
        let folder = TemporaryFolder()
        let path = folder.file("e.npz")
        let writer = try NPZWriter(path: path, rowShape: [4, 10])
        try writer.finish()
        XCTAssertEqual(try NPZReader.read(path: path).shape, [0, 4, 10])
    }

    func testZipIsValidForUnzip() throws {
        let folder = TemporaryFolder()
        let path = folder.file("z.npz")
        let writer = try NPZWriter(path: path, rowShape: [2])
        try writer.append([1, 2, 3, 4])
        try writer.finish()
        // `unzip -t` checks the CRC and both directories; python's zipfile is checked in the CLI interop test.
        let check = try runProcess("python3", ["-c", "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(z.namelist())", path])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(check.stdoutText, "['arr_0.npy']\n")
    }

    func testIdenticalInputsGiveIdenticalBytes() throws {
        let folder = TemporaryFolder()
        for name in ["x.npz", "y.npz"] {
            let writer = try NPZWriter(path: folder.file(name), rowShape: [4, 5])
            try writer.append((0..<40).map { Float($0) * 0.5 })
            try writer.finish()
        }
        XCTAssertEqual(try fileBytes(folder.file("x.npz")), try fileBytes(folder.file("y.npz")))
    }

    func testNotAnArchive() throws {
        let folder = TemporaryFolder()
        let path = folder.file("bad.npz")
        try "hello".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try NPZReader.read(path: path))
    }
}

final class OutputDirectoryTests: XCTestCase {
    func testCommitRenamesStagedFiles() throws {
        let folder = TemporaryFolder()
        let out = folder.file("run")
        let directory = try OutputDirectory(path: out)
        let staged = directory.stage("a.txt")
        try "x".write(toFile: staged, atomically: false, encoding: .utf8)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/a.txt"))
        try directory.commit()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["a.txt"])
    }

    func testAbandonLeavesNothing() throws {
        let folder = TemporaryFolder()
        let out = folder.file("run")
        do {
            let directory = try OutputDirectory(path: out)
            try "x".write(toFile: directory.stage("a.txt"), atomically: false, encoding: .utf8)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testAbandonKeepsAnExistingFolderAndItsFiles() throws {
        let folder = TemporaryFolder()
        try "keep".write(toFile: folder.file("old.txt"), atomically: false, encoding: .utf8)
        do {
            let directory = try OutputDirectory(path: folder.path)
            try "x".write(toFile: directory.stage("old.txt"), atomically: false, encoding: .utf8)
            directory.abandon()
        }
        XCTAssertEqual(try String(contentsOfFile: folder.file("old.txt"), encoding: .utf8), "keep")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["old.txt"])
    }

    func testAFileInTheWayIsAnError() throws {
        let folder = TemporaryFolder()
        try "x".write(toFile: folder.file("f"), atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try OutputDirectory(path: folder.file("f"))) { error in
            XCTAssertTrue("\(error)".contains("is not a folder"), "\(error)")
        }
    }
}
