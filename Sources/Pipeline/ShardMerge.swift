import Foundation
import GenomeIO
import Tracks

/// A finished shard folder of `plrp run --shard I/N`: its manifest's shard I/N, job and parameters.
public struct ShardFolder {
    public let folder: String
    public let index: Int
    public let count: Int
    /// The job without its shard, so that all shards of one run compare equal.
    public let job: String
    public let parameters: [String: Any]

    public init(_ folder: String) throws {
        let path = PathName.join(folder, "manifest.json")
        guard let parameters = Manifest.parameters(inFolder: folder) else {
            throw PipelineError.data("'\(folder)' has no readable manifest.json: not a finished plrp run shard")
        }
        guard let shard = parameters["shard"] as? String, let job = parameters["job"] as? String else {
            throw PipelineError.data("'\(path)' is not the manifest of a `plrp run --shard I/N`")
        }
        let numbers = shard.split(separator: "/").compactMap { Int($0) }
        guard numbers.count == 2 else { throw PipelineError.data("'\(path)': shard '\(shard)' is not I/N") }
        self.folder = folder
        index = numbers[0]
        count = numbers[1]
        self.job = job.replacingOccurrences(of: "--shard \(shard) ", with: "").replacingOccurrences(of: " --shard \(shard)", with: "")
        self.parameters = parameters
    }

    /// The folders, checked to be shards 1…N of one job, in shard order.
    public static func ordered(_ folders: [String]) throws -> [ShardFolder] {
        let parts = try folders.map(ShardFolder.init).sorted { $0.index < $1.index }
        guard let first = parts.first else { throw PipelineError.usage("give the shard folders") }
        let count = first.count
        guard parts.map(\.index) == Array(1...count), parts.allSatisfy({ $0.count == count }) else {
            throw PipelineError.data("the folders are shards \(parts.map { "\($0.index)/\($0.count)" }.joined(separator: ", ")); need each of 1/\(count) … \(count)/\(count) once")
        }
        for part in parts where part.job != first.job {
            throw PipelineError.data("'\(part.folder)' is a shard of another job than '\(first.folder)' (parameters or inputs differ)")
        }
        return parts
    }
}

/// Joins shard folders into exactly what one run writes, in memory that does not grow with the genome: windows.bed
/// and the arrays copied in shard order block by block, each genome track joined from the shards' tracks with the
/// bases where shards meet recomputed from their edge windows (`ShardTrackJoin`), and motifs found once — from the
/// joined arrays as a run with arrays finds them, or, for shards run with `--arrays none`, from the joined track as
/// such a run does.
public struct ShardMerge {
    public let shards: [ShardFolder]
    /// Motifs over the joined windows (nil: arrays and tracks only).
    public var motifs: MotifsJob?
    /// Whether the shards wrote per-window arrays (`--arrays all` or `hypothetical`).
    public let arrays: Bool
    /// The genome for motifs on the joined track (shards without arrays); nil: the FASTA the shards' manifest names.
    public var fasta: String?

    /// Checks that `folders` are shards 1…N of one job.
    public init(_ folders: [String], motifs: MotifsJob?) throws {
        shards = try ShardFolder.ordered(folders)
        arrays = shards[0].parameters["arrays"] as? String != ArrayOutput.none.rawValue
        self.motifs = motifs
    }

    /// Stages the joined outputs and the manifest in `folder` and commits it; returns the summary line.
    public func run(into folder: OutputDirectory) throws -> String {
        let started = Date()
        let first = shards[0]
        // Checked before anything is joined: motifs on the joined track need the genome.
        let genome = motifs != nil && !arrays ? try motifGenome() : nil
        let bed = try TextFile(path: folder.stage("windows.bed"))
        var rows = 0
        for part in shards { rows += try TextLines(path: PathName.join(part.folder, "windows.bed")).copy(to: bed) }
        try bed.close()
        var manifest = Manifest(command: "merge")
        manifest.parameters = first.parameters.filter { $0.key != "shard" }
        manifest.parameters["job"] = first.job
        manifest.parameters["shards"] = shards.map(\.folder)
        manifest.results = ["windows": rows, "rows": rows]
        if arrays {
            let joined = try joinArrays(into: folder)
            guard rows == joined else { throw PipelineError.data("the shards' windows.bed hold \(rows) rows and their arrays \(joined)") }
        }
        try mergeTracks(folder: folder)
        var summary = "merged \(shards.count) shards, \(rows) windows"
        if let motifs {
            // The report names what was explained from the first shard's manifest, as a single run's does.
            let report = arrays
                ? try motifs.run(from: ExplainArrays(staged: folder), into: folder, source: ExplainArrays(folder: first.folder).source())
                : try trackMotifs(motifs, fasta: genome!, folder: folder).run(into: folder)
            manifest.parameters["motifs"] = report.parameters
            manifest.results["motifs"] = report.results
            if let database = motifs.database { try manifest.addInput(database) }
            summary += "; motifs: " + report.summary
        }
        manifest.timings = ["total": Date().timeIntervalSince(started)]
        try manifest.write(to: folder.stage("manifest.json"))
        try folder.commit()
        return summary
    }

    /// The per-window arrays a run writes, in the order they are joined.
    static let arrayNames = ["ohe.npz", "attr.npz", "hypothetical.npz", "references.npz"]

    /// Every per-window array the shards hold (one-hot, relevance, and with `--hypothetical` or `--write-references`
    /// those too) concatenated in shard order, a block of rows at a time; returns the rows, checked to agree.
    private func joinArrays(into folder: OutputDirectory) throws -> Int {
        var rows: Int?
        for name in Self.arrayNames where FileManager.default.fileExists(atPath: PathName.join(shards[0].folder, name)) {
            let rowShape = Array(try NPZReader.Rows(path: PathName.join(shards[0].folder, name)).shape.dropFirst())
            let writer = try NPZWriter(path: folder.stage(name), rowShape: rowShape)
            for part in shards {
                let source = try NPZReader.Rows(path: PathName.join(part.folder, name))
                guard Array(source.shape.dropFirst()) == rowShape else {
                    throw PipelineError.data("'\(part.folder)/\(name)' holds rows of shape \(Array(source.shape.dropFirst())), '\(shards[0].folder)/\(name)' \(rowShape)")
                }
                for block in stride(from: 0, to: source.count, by: 1024) {
                    try writer.append(try source.rows(block..<min(source.count, block + 1024)))
                }
            }
            try writer.finish()
            guard rows == nil || rows == writer.rows else { throw PipelineError.data("the shards' \(name) hold \(writer.rows) rows, their other arrays \(rows!)") }
            rows = writer.rows
        }
        return rows ?? 0
    }

    /// The genome for motifs on the joined track: `fasta`, or the one the shards' manifests name, readable.
    private func motifGenome() throws -> String {
        guard let fasta = self.fasta ?? shards[0].parameters["fasta"] as? String else {
            throw PipelineError.data("'\(shards[0].folder)': the shards name no FASTA to find motifs in")
        }
        guard FileManager.default.isReadableFile(atPath: fasta) else {
            throw PipelineError.data("cannot read FASTA '\(fasta)', which the shards were run on: give it with --fasta")
        }
        return fasta
    }

    /// Motifs from the joined, staged genome track, as `RunJob` finds them for a run without arrays.
    private func trackMotifs(_ motifs: MotifsJob, fasta: String, folder: OutputDirectory) throws -> TrackMotifsJob {
        guard let track = folder.staged("relevance.bw") else {
            throw PipelineError.data("'\(shards[0].folder)': the shards have no genome track to find motifs in")
        }
        var job = TrackMotifsJob(track: track, fasta: fasta, motifs: motifs)
        job.trackName = "relevance.bw"
        return job
    }

    /// Rebuilds every track the shards hold (`relevance*.bedGraph.gz`): joined from the shard tracks and edges when
    /// the run streamed its tracks, else (windows out of genome order) from the joined relevance, sorted.
    private func mergeTracks(folder: OutputDirectory) throws {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: shards[0].folder)) ?? [])
            .filter { $0.hasPrefix("relevance") && $0.hasSuffix(".bedGraph.gz") }.sorted()
        guard !names.isEmpty else { return }
        // The shards' tracks are read from their bigWigs (the same runs as the bedGraphs, as float32). Contigs and their
        // order as the FASTA index gave them, from the bigWig header.
        let bigWigName = { (name: String) in name.replacingOccurrences(of: ".bedGraph.gz", with: ".bw") }
        let bigWig = try BigWigReader(path: PathName.join(shards[0].folder, bigWigName(names[0])))
        let contigs = ContigTable(bigWig.contigs.map { Contig(name: $0.name, length: $0.length) })
        let aggregation = Aggregation(rawValue: shards[0].parameters["aggregate"] as? String ?? "mean") ?? .mean
        // With one track per output (--target all), rows come window-major in the order of the outputs.
        let order = names.count == 1 ? names : try outputOrder(names)
        // The run's track stops at its regions' ends. A shard's track covers the bases its windows covered inside
        // the regions (zeros included), so together the shards cover what the run does: that is the merged extent,
        // and within `spans` (all bases when nil) it is read from the shards' bigWigs.
        let coverage = { (spans: TrackExtent?) in
            TrackExtent(try shards.flatMap { try BigWigRuns.coverage(of: PathName.join($0.folder, bigWigName(names[0])), contigs: contigs, within: spans) })
        }
        let trackLines = try order.map { try BedGraphReader.firstLine(of: PathName.join(shards[0].folder, $0)) }
        let stems = order.map { String($0.dropLast(".bedGraph.gz".count)) }
        guard shards[0].parameters["tracks"] as? String == "streamed" else {
            let extent = try coverage(nil)
            let tracks = try zip(stems, trackLines).map { stem, line in
                try GenomeTrack(folder: folder, name: stem, contigs: contigs, aggregation: aggregation, extent: extent, trackLine: line)
            }
            return try GenomeTrack.build(tracks, from: try NPZReader.Rows(path: folder.staged("attr.npz")!),
                                         windows: try storedWindows(outputs: order.count, contigs: contigs), contigs: contigs)
        }
        let edges = try shards.map { try ShardEdges(folder: $0.folder, tracks: order.count) }
        let length = edges.lazy.compactMap { $0.edges.first?.values.first?.count }.first ?? 0
        let join = try ShardTrackJoin(contigs: contigs, edges: edges, windowLength: length)
        // Only the zones are recomputed, so only their extent is needed.
        let extent = try coverage(join.zones)
        for (t, name) in order.enumerated() {
            let output = try GenomeTrack.files(folder: folder, name: stems[t], contigs: contigs, trackLine: trackLines[t])
            try join.join(shards.map { PathName.join($0.folder, bigWigName(name)) },
                          zoneRuns: try join.zoneRuns(track: t, aggregation: aggregation, extent: extent), into: output)
            try output.finish()
        }
    }

    /// Where each window's rows are in the joined attr.npz, read from the joined windows.bed.
    private func storedWindows(outputs: Int, contigs: ContigTable) throws -> [GenomeTrack.StoredWindow] {
        var windows: [GenomeTrack.StoredWindow] = []
        for part in shards {
            let path = PathName.join(part.folder, "windows.bed")
            let reader = try TextLines(path: path)
            var row = 0
            while let line = try reader.next() {
                defer { row += 1 }
                guard row % outputs == 0 else { continue }
                let window = try WindowsBED.row(line[...], at: "\(path):\(reader.lineNumber)")
                guard let contig = contigs.index(of: window.contig) else {
                    throw PipelineError.data("\(path):\(reader.lineNumber): no window on a contig of the tracks' index")
                }
                windows.append(.init(contig: contig, start: window.start, end: window.end, firstRow: windows.count * outputs))
            }
        }
        return windows
    }

    /// Track files in the order of the rows of one window (`relevance.OUTPUT` for the name suffix `|OUTPUT`), from the
    /// first rows of the first shard's windows.bed.
    private func outputOrder(_ names: [String]) throws -> [String] {
        let lines = try TextLines(path: PathName.join(shards[0].folder, "windows.bed"))
        return try names.map { _ in
            guard let line = try lines.next() else { throw PipelineError.data("'\(shards[0].folder)/windows.bed' holds fewer rows than tracks") }
            let output = line.split(separator: "\t").dropFirst(3).first?.split(separator: "|").last.map(String.init) ?? ""
            let name = "relevance.\(PathName.safe(output)).bedGraph.gz"
            guard names.contains(name) else { throw PipelineError.data("no track '\(name)' for the rows of output \(output)") }
            return name
        }
    }
}
