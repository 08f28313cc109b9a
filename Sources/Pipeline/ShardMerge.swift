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

/// Joins shard folders into exactly what one run writes: arrays and windows.bed concatenated in shard order, the
/// genome tracks rebuilt from the joined relevance in genome order over the bases the shards' tracks cover, and motifs
/// found once over all windows.
public struct ShardMerge {
    public let shards: [ShardFolder]
    /// Motifs over the joined windows (nil: arrays and tracks only).
    public var motifs: MotifsJob?

    /// Checks that `folders` are shards 1…N of one job.
    public init(_ folders: [String], motifs: MotifsJob?) throws {
        shards = try ShardFolder.ordered(folders)
        if let part = shards.first(where: { $0.parameters["arrays"] as? String == ArrayOutput.none.rawValue }) {
            throw PipelineError.usage("'\(part.folder)' was run with --arrays none: merging rebuilds the tracks and motifs from the shards' arrays, so shards to merge need --arrays all")
        }
        self.motifs = motifs
    }

    /// Stages the joined outputs and the manifest in `folder` and commits it; returns the summary line.
    public func run(into folder: OutputDirectory) throws -> String {
        let started = Date()
        let first = shards[0]
        let length = try NPZReader.Rows(path: PathName.join(first.folder, "attr.npz")).shape.last ?? 0
        let oneHot = try NPZWriter(path: folder.stage("ohe.npz"), rowShape: [4, length])
        let attributions = try NPZWriter(path: folder.stage("attr.npz"), rowShape: [4, length])
        let bed = try TextFile(path: folder.stage("windows.bed"))
        var rows: [Window] = []
        for part in shards {
            for (name, writer) in [("ohe.npz", oneHot), ("attr.npz", attributions)] {
                let source = try NPZReader.Rows(path: PathName.join(part.folder, name))
                guard source.shape.last == length else { throw PipelineError.data("'\(part.folder)/\(name)' holds windows of another length") }
                for i in 0..<source.count { try writer.append(try source.row(i)) }
            }
            let path = PathName.join(part.folder, "windows.bed")
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try bed.write(text)
            rows += try WindowsBED.parse(text, path: path)
        }
        try oneHot.finish()
        try attributions.finish()
        try bed.close()
        guard rows.count == attributions.rows else { throw PipelineError.data("the shards' windows.bed and arrays disagree") }

        try mergeTracks(rows: rows, folder: folder)
        var manifest = Manifest(command: "merge")
        manifest.parameters = first.parameters.filter { $0.key != "shard" }
        manifest.parameters["job"] = first.job
        manifest.parameters["shards"] = shards.map(\.folder)
        manifest.results = ["windows": rows.count, "rows": attributions.rows]
        var summary = "merged \(shards.count) shards, \(rows.count) windows"
        if let motifs {
            // The report names what was explained from the first shard's manifest, as a single run's does.
            let report = try motifs.run(from: ExplainArrays(staged: folder), into: folder, source: ExplainArrays(folder: first.folder).source())
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

    /// Rebuilds every track the shards hold (`relevance*.bedGraph.gz`), from the joined relevance.
    private func mergeTracks(rows: [Window], folder: OutputDirectory) throws {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: shards[0].folder)) ?? [])
            .filter { $0.hasPrefix("relevance") && $0.hasSuffix(".bedGraph.gz") }.sorted()
        guard !names.isEmpty else { return }
        // Contigs and their order as the FASTA index gave them, from the bigWig header.
        let bigWig = try BigWigReader(path: PathName.join(shards[0].folder, names[0].replacingOccurrences(of: ".bedGraph.gz", with: ".bw")))
        let contigs = ContigTable(bigWig.contigs.map { Contig(name: $0.name, length: $0.length) })
        let aggregation = Aggregation(rawValue: shards[0].parameters["aggregate"] as? String ?? "mean") ?? .mean
        // With one track per output (--target all), rows come window-major in the order of the outputs.
        let outputs = names.count
        let order = names.count == 1 ? names : try outputOrder(names, rows: rows)
        // The run's track stops at its regions' ends. A shard's track covers the bases its windows covered inside
        // the regions (zeros included), so together the shards cover what the run does: that is the merged extent.
        let extent = TrackExtent(try shards.flatMap { try BedGraphReader.coverage(of: PathName.join($0.folder, names[0]), contigs: contigs) })
        let tracks = try order.map { name in
            try GenomeTrack(folder: folder, name: String(name.dropLast(".bedGraph.gz".count)), contigs: contigs,
                            aggregation: aggregation, extent: extent,
                            trackLine: try BedGraphReader.firstLine(of: PathName.join(shards[0].folder, name)))
        }
        var windows: [GenomeTrack.StoredWindow] = []
        for w in stride(from: 0, to: rows.count, by: outputs) {
            guard let contig = contigs.index(of: rows[w].contig) else { throw PipelineError.data("contig '\(rows[w].contig)' is not in the tracks' index") }
            windows.append(.init(contig: contig, start: rows[w].start, end: rows[w].end, firstRow: w))
        }
        try GenomeTrack.build(tracks, from: try NPZReader.Rows(path: folder.staged("attr.npz")!), windows: windows, contigs: contigs)
    }

    /// Track files in the order of the rows of one window (`relevance.OUTPUT` for the name suffix `|OUTPUT`).
    private func outputOrder(_ names: [String], rows: [Window]) throws -> [String] {
        try rows.prefix(names.count).map { row in
            let output = row.label.split(separator: "|").last.map(String.init) ?? ""
            let name = "relevance.\(PathName.safe(output)).bedGraph.gz"
            guard names.contains(name) else { throw PipelineError.data("no track '\(name)' for the rows of output \(output)") }
            return name
        }
    }
}
