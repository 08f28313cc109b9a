import ArgumentParser
import Foundation
import GenomeIO
import Tracks

/// `plrp merge`: shard outputs of `plrp run --shard I/N` joined into what one run writes.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the shard folders of `plrp run --shard I/N` into exactly what one run writes.",
        discussion: """
        Checks that the folders are shards 1…N of one job (same parameters and inputs), concatenates their arrays and
        windows.bed in shard order, rebuilds the genome tracks from the joined relevance in genome order (the same
        bytes, after decompression, as a single run's), and finds motifs once over all seqlets. Writes the files of
        `plrp run` into the output folder.
        """)

    @Argument(help: "Shard folders, in any order.")
    var shards: [String]

    @Option(help: "Motif database, MEME format (default: the shipped JASPAR 2026 CORE insects).")
    var database: String?

    @Flag(help: "Join arrays and tracks only; no motifs.")
    var noMotifs = false

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String

    @Flag(help: "No summary line.")
    var quiet = false

    func run() throws {
        let started = Date()
        let parts = try shards.map(ShardFolder.init).sorted { $0.index < $1.index }
        guard let first = parts.first else { throw UsageError("give the shard folders") }
        let count = first.count
        guard parts.map(\.index) == Array(1...count), parts.allSatisfy({ $0.count == count }) else {
            throw DataError("the folders are shards \(parts.map { "\($0.index)/\($0.count)" }.joined(separator: ", ")); need each of 1/\(count) … \(count)/\(count) once")
        }
        for part in parts where part.job != first.job {
            throw DataError("'\(part.folder)' is a shard of another job than '\(first.folder)' (parameters or inputs differ)")
        }

        let folder = try OutputDirectory(path: out)
        let length = try NPZReader.Rows(path: PathName.join(first.folder, "attr.npz")).shape.last ?? 0
        let oneHot = try NPZWriter(path: folder.stage("ohe.npz"), rowShape: [4, length])
        let attributions = try NPZWriter(path: folder.stage("attr.npz"), rowShape: [4, length])
        let bed = try TextFile(path: folder.stage("windows.bed"))
        var rows: [WindowsBED.Row] = []
        for part in parts {
            for (name, writer) in [("ohe.npz", oneHot), ("attr.npz", attributions)] {
                let source = try NPZReader.Rows(path: PathName.join(part.folder, name))
                guard source.shape.last == length else { throw DataError("'\(part.folder)/\(name)' holds windows of another length") }
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
        guard rows.count == attributions.rows else { throw DataError("the shards' windows.bed and arrays disagree") }

        try mergeTracks(parts: parts, rows: rows, folder: folder)
        var manifest = Manifest(command: "merge")
        manifest.parameters = first.parameters.filter { $0.key != "shard" }
        manifest.parameters["job"] = first.job
        manifest.parameters["shards"] = parts.map(\.folder)
        manifest.results = ["windows": rows.count, "rows": attributions.rows]
        var summary = "merged \(count) shards, \(rows.count) windows"
        if !noMotifs {
            let database = try self.database ?? ShippedData.path(ShippedData.database, instead: "--database")
            let motifs = try MotifsCommand.parse(["--input", out, "--database", database, "-o", out])
            let arrays = MotifsCommand.ExplainArrays(staged: folder)
            let report = try motifs.execute(from: arrays, into: folder)
            manifest.parameters["motifs"] = report.parameters
            manifest.results["motifs"] = report.results
            try manifest.addInput(database)
            summary += "; motifs: " + report.summary
        }
        manifest.timings = ["total": Date().timeIntervalSince(started)]
        try manifest.write(to: folder.stage("manifest.json"))
        try folder.commit()
        if !quiet { Console.note(summary + " → \(out)") }
    }

    /// Rebuilds every track the shards hold (`relevance*.bedGraph.gz`), from the joined relevance.
    private func mergeTracks(parts: [ShardFolder], rows: [WindowsBED.Row], folder: OutputDirectory) throws {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: parts[0].folder)) ?? [])
            .filter { $0.hasPrefix("relevance") && $0.hasSuffix(".bedGraph.gz") }.sorted()
        guard !names.isEmpty else { return }
        // Contigs and their order as the FASTA index gave them, from the bigWig header.
        let bigWig = try BigWigReader(path: PathName.join(parts[0].folder, names[0].replacingOccurrences(of: ".bedGraph.gz", with: ".bw")))
        let contigs = ContigTable(bigWig.contigs.map { Contig(name: $0.name, length: $0.length) })
        let aggregation = Aggregation(rawValue: parts[0].parameters["aggregate"] as? String ?? "mean") ?? .mean
        // With one track per output (--target all), rows come window-major in the order of the outputs.
        let outputs = names.count
        let order = names.count == 1 ? names : try outputOrder(names, rows: rows)
        let tracks = try order.map { name in
            try GenomeTrack(folder: folder, name: String(name.dropLast(".bedGraph.gz".count)), contigs: contigs,
                            aggregation: aggregation, trackLine: try BedGraphReader.firstLine(of: PathName.join(parts[0].folder, name)))
        }
        var windows: [GenomeTrack.StoredWindow] = []
        for w in stride(from: 0, to: rows.count, by: outputs) {
            guard let contig = contigs.index(of: rows[w].contig) else { throw DataError("contig '\(rows[w].contig)' is not in the tracks' index") }
            windows.append(.init(contig: contig, start: rows[w].start, end: rows[w].end, firstRow: w))
        }
        try GenomeTrack.build(tracks, from: try NPZReader.Rows(path: folder.staged("attr.npz")!), windows: windows, contigs: contigs)
    }

    /// Track files in the order of the rows of one window (`relevance.OUTPUT` for the name suffix `|OUTPUT`).
    private func outputOrder(_ names: [String], rows: [WindowsBED.Row]) throws -> [String] {
        try rows.prefix(names.count).map { row in
            let output = row.name.split(separator: "|").last.map(String.init) ?? ""
            let name = "relevance.\(PathName.safe(output)).bedGraph.gz"
            guard names.contains(name) else { throw DataError("no track '\(name)' for the rows of output \(output)") }
            return name
        }
    }
}

/// A shard folder: its manifest's shard I/N, job and parameters.
struct ShardFolder {
    let folder: String
    let index: Int
    let count: Int
    let job: String
    let parameters: [String: Any]

    init(_ folder: String) throws {
        let path = PathName.join(folder, "manifest.json")
        guard let parameters = Manifest.parameters(inFolder: folder) else {
            throw DataError("'\(folder)' has no readable manifest.json: not a finished plrp run shard")
        }
        guard let shard = parameters["shard"] as? String, let job = parameters["job"] as? String else {
            throw DataError("'\(path)' is not the manifest of a `plrp run --shard I/N`")
        }
        let numbers = shard.split(separator: "/").compactMap { Int($0) }
        guard numbers.count == 2 else { throw DataError("'\(path)': shard '\(shard)' is not I/N") }
        self.folder = folder
        index = numbers[0]
        count = numbers[1]
        // The job without its shard, so all shards of one run compare equal.
        self.job = job.replacingOccurrences(of: "--shard \(shard) ", with: "").replacingOccurrences(of: " --shard \(shard)", with: "")
        self.parameters = parameters
    }
}
