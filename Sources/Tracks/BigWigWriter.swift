import CBigWig
import Foundation
import GenomeIO

/// A bigWig written through libBigWig, with every contig of the sequence index in its header (sizes from the index,
/// never guessed). Runs arrive in genome order and are written in blocks per contig; zoom levels are made on finish.
public final class BigWigWriter: TrackSink {
    public let path: String
    private let contigs: ContigTable
    private var file: UnsafeMutablePointer<bigWigFile_t>?
    private var names: [UnsafeMutablePointer<CChar>?]
    private var blockContig = -1
    private var startedContig = -1
    private var starts: [UInt32] = []
    private var ends: [UInt32] = []
    private var values: [Float] = []

    public init(path: String, contigs: ContigTable) throws {
        self.path = path
        self.contigs = contigs
        names = contigs.contigs.map { strdup($0.name) }
        guard contigs.contigs.allSatisfy({ $0.length <= Int(UInt32.max) }) else {
            throw TracksError("cannot write '\(path)': bigWig holds contigs of at most 4 Gb")
        }
        guard let file = bwOpen(path, nil, "w") else { throw TracksError("cannot create '\(path)'") }
        self.file = file
        var lengths = contigs.contigs.map { UInt32($0.length) }
        guard bwCreateHdr(file, 10) == 0 else { throw TracksError("cannot write '\(path)': header") }
        let list = names.withUnsafeBufferPointer { pointers in
            pointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { bwCreateChromList($0.baseAddress, &lengths, Int64(contigs.count)) }
        }
        guard let list else { throw TracksError("cannot write '\(path)': contig list") }
        file.pointee.cl = list
        guard bwWriteHdr(file) == 0 else { throw TracksError("cannot write '\(path)': header") }
    }

    deinit {
        if let file { bwClose(file) }
        for name in names { free(name) }
    }

    public func write(_ run: TrackRun) throws {
        if run.contig != blockContig || starts.count >= 1 << 15 { try drain() }
        blockContig = run.contig
        starts.append(UInt32(run.start))
        ends.append(UInt32(run.end))
        values.append(run.value)
    }

    public func finish() throws {
        try drain()
        guard let file else { return }
        self.file = nil
        bwClose(file)
    }

    private func drain() throws {
        guard let file, !starts.isEmpty else { return }
        let n = UInt32(starts.count)
        let status: Int32
        if blockContig == startedContig {
            status = bwAppendIntervals(file, &starts, &ends, &values, n)
        } else {
            var chroms = [UnsafePointer<CChar>?](repeating: UnsafePointer(names[blockContig]), count: starts.count)
            status = bwAddIntervals(file, &chroms, &starts, &ends, &values, n)
            startedContig = blockContig
        }
        guard status == 0 else { throw TracksError("cannot write '\(path)': intervals of \(contigs[blockContig].name)") }
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }
}
