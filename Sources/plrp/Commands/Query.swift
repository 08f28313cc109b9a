import ArgumentParser
import Foundation
import GenomeIO
import Model
import Motifs
import Tracks

/// `plrp query REGION`: one region's per-base relevance, seqlets and motif matches, on the spot or from a run's files.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One region, fast: per-base relevance, seqlets and motif matches, to stdout.",
        discussion: """
        Without --results, explains the region on the spot (the shipped model and genome unless --model/--fasta are
        given; PLRP-λ p = 0.5, windows every --step bases from the region start, reaching past both ends so that every
        base is covered as inside a longer run; the mean over overlapping windows), calls seqlets on those
        windows and compares each seqlet's core with --database (default: the shipped JASPAR insects). With --results
        DIR, answers from an earlier `plrp run`'s files instead: the tabix-indexed relevance.bedGraph.gz, seqlets.bed,
        instances.bed and matches.tsv. Formats: table (position 1-based, base, relevance, seqlets and motifs covering
        the base), json, or bedgraph.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, bedgraph }

    @Argument(help: "Region, samtools syntax (chr:beg-end, 1-based inclusive).")
    var region: String

    @Option(help: "Answer from this plrp run output folder (indexed files) instead of explaining.")
    var results: String?

    @Option(help: "Model file (default: the shipped promoter model).")
    var model: String?

    @Option(help: "Genome FASTA (default: the shipped dm3 chr2R).")
    var fasta: String?

    @Option(help: "Motif database, MEME format (default: the shipped JASPAR insects; 'none' for no matching).")
    var database: String?

    @Option(help: "Distance between window starts.")
    var step: Int = 150

    @Option(help: "PLRP: fraction of relevance mass pruned per layer.")
    var prune: String = "0.5"

    @Option(help: "table, json or bedgraph.")
    var format: Format = .table

    @Option(help: "Worker threads.")
    var threads: Int = 1

    func run() throws {
        let fasta = try self.fasta ?? ShippedData.path(ShippedData.genome, instead: "--fasta")
        let genome = try FastaFile(path: fasta)
        let (checked, _) = try RegionSyntax.parse(region, contigs: genome.contigs).validated(against: genome.contigs, origin: "region '\(region)'")
        var bases: [UInt8] = []
        try genome.fetch(contig: checked.contig, start: checked.start, end: checked.end, into: &bases)
        let answer = try results.map { try fromResults($0, checked) } ?? (try explained(checked, fasta: fasta, contigs: genome.contigs))
        FileHandle.standardOutput.write(Data(render(answer, checked, bases: bases).utf8))
    }

    /// What a query finds: per-base relevance over the region, and seqlets (genome coordinates) with their matches.
    struct Answer {
        typealias Seqlet = (start: Int, end: Int, coreStart: Int, coreEnd: Int, name: String, match: String)
        var source: String
        var relevance: [Float]
        var seqlets: [Seqlet]

        /// Sets the relevance of the bases of `[start, end)` that lie in `region` to `value`.
        static func paint(_ relevance: inout [Float], _ region: GenomicRegion, start: Int, end: Int, value: Float) {
            for p in stride(from: max(start, region.start), to: min(end, region.end), by: 1) { relevance[p - region.start] = value }
        }
    }

    /// Explains the region's windows in a scratch folder and reads the arrays back.
    private func explained(_ region: GenomicRegion, fasta: String, contigs: ContigTable) throws -> Answer {
        let model = try self.model ?? ShippedData.path(ShippedData.model, instead: "--model")
        let scratch = try OutputDirectory(path: PathName.join(NSTemporaryDirectory(), "plrp-query-\(getpid())"))
        defer { scratch.abandon() }
        // Windows reach past both ends by whole steps, so every base of the region is covered by as many windows as
        // inside a longer run with the same window phase.
        let length = try ModelFile.load(path: model).inputLength
        let reach = (max(0, length - step) + step - 1) / step * step
        let contigLength = contigs.length(of: region.contig)!
        let explained = GenomicRegion(contig: region.contig, start: max(0, region.start - reach), end: min(contigLength, region.end + reach))
        let explain = try ExplainCommand.parse(["--fasta", fasta, "--model", model, "--region", explained.description,
                                                "--step", "\(step)", "--prune", prune, "--threads", "\(threads)",
                                                "--no-tracks", "--quiet", "-o", scratch.path])
        let report = try explain.execute(into: scratch)
        let arrays = MotifsCommand.ExplainArrays(staged: scratch)
        let data = try MotifsCommand.load(arrays)
        // The region's per-base relevance: the mean over the windows covering each base.
        let collected = CollectedRuns()
        let aggregator = TrackAggregator(contigs: contigs, mode: .mean, output: RunMerger([collected]))
        for r in 0..<data.count {
            let place = data.places[r]
            try aggregator.add(contig: place.contig, start: place.start, end: place.start + data.length, values: data.baseScores(row: r)[...])
        }
        try aggregator.finish()
        var relevance = [Float](repeating: 0, count: region.length)
        for run in collected.runs { Answer.paint(&relevance, region, start: run.start, end: run.end, value: run.value) }
        // Seqlets on these windows, each core compared with the database.
        let database = try databaseMotifs()
        let comparison = database.map { MotifComparison(database: $0) }
        var seqlets: [Answer.Seqlet] = []
        for seqlet in SeqletCaller().call(data).seqlets {
            let place = data.places[seqlet.row]
            let core = (place.start + seqlet.coreStart, place.start + seqlet.coreEnd)
            guard core.0 < region.end, core.1 > region.start else { continue }
            var match = ""
            if let comparison, let database {
                let columns = (seqlet.coreStart..<seqlet.coreEnd).map { i -> [Double] in
                    let b = data.base(row: seqlet.row, column: i)
                    return (0..<4).map { $0 == b ? 0.85 : 0.05 }
                }
                if let best = comparison.compare(Motif(id: "seqlet", columns: columns)).min(by: { $0.pValue < $1.pValue }),
                   best.qValue < 0.05 {
                    match = "\(database[best.target].id) \(database[best.target].name)"
                }
            }
            seqlets.append((place.start + seqlet.start, place.start + seqlet.end, core.0, core.1, seqlet.sign.rawValue, match))
        }
        return Answer(source: "explained: \(report.windows) windows of \(PathName.base(of: model)), \(report.label) p=\(prune)",
                      relevance: relevance, seqlets: seqlets)
    }

    /// Reads the region from an earlier run: tabix on the bedGraph, and the BED/TSV files it wrote.
    private func fromResults(_ folder: String, _ region: GenomicRegion) throws -> Answer {
        let track = PathName.join(folder, "relevance.bedGraph.gz")
        guard FileManager.default.fileExists(atPath: track) else { throw DataError("'\(folder)' has no relevance.bedGraph.gz: give a plrp run output folder") }
        var relevance = [Float](repeating: 0, count: region.length)
        for line in try BedGraphReader.query(track, region: region.description) {
            Answer.paint(&relevance, region, start: line.start, end: line.end, value: line.value)
        }
        var best: [String: String] = [:]
        if let text = try? String(contentsOfFile: PathName.join(folder, "matches.tsv"), encoding: .utf8) {
            for line in text.split(separator: "\n").dropFirst() {
                let f = line.split(separator: "\t")
                if f.count >= 3, best[String(f[0])] == nil { best[String(f[0])] = "\(f[1]) \(f[2])" }
            }
        }
        var seqlets: [Answer.Seqlet] = []
        for (file, isInstance) in [("instances.bed", true), ("seqlets.bed", false)] {
            guard let text = try? String(contentsOfFile: PathName.join(folder, file), encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let f = line.split(separator: "\t")
                guard f.count >= 8, f[0] == region.contig, let s = Int(f[1]), let e = Int(f[2]), let t0 = Int(f[6]), let t1 = Int(f[7]),
                      s < region.end, e > region.start else { continue }
                let name = String(f[3])
                if isInstance {
                    seqlets.append((s, e, t0, t1, name, best[name] ?? ""))
                } else if !seqlets.contains(where: { $0.start == s && $0.end == e }) {
                    seqlets.append((s, e, t0, t1, String(name.prefix { $0 != "|" }), ""))
                }
            }
        }
        seqlets.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        return Answer(source: "results: \(folder)", relevance: relevance, seqlets: seqlets)
    }

    private func databaseMotifs() throws -> [Motif]? {
        if database == "none" { return nil }
        if let database { return try MEMEFile.read(path: database) }
        return (try? ShippedData.path(ShippedData.database, instead: "--database")).flatMap { try? MEMEFile.read(path: $0) }
    }

    private func render(_ answer: Answer, _ region: GenomicRegion, bases: [UInt8]) -> String {
        switch format {
        case .bedgraph:
            var text = BedGraphWriter.trackLine(name: "plrp query", description: "\(region): \(answer.source)") + "\n"
            // Merged as the genome track is; collecting runs in memory cannot fail.
            let collected = CollectedRuns(), merger = RunMerger([collected])
            for (i, value) in answer.relevance.enumerated() { try? merger.add(contig: 0, position: region.start + i, value: value) }
            try? merger.finish()
            for run in collected.runs {
                text += "\(region.contig)\t\(run.start)\t\(run.end)\t\(BedGraphWriter.format(run.value))\n"
            }
            return text
        case .json:
            let document: [String: Any] = [
                "region": region.description, "contig": region.contig, "start": region.start, "end": region.end,
                "source": answer.source,
                "bases": answer.relevance.enumerated().map { i, value in
                    ["position": region.start + i + 1, "base": String(UnicodeScalar(bases[i])), "relevance": Double(value)] as [String: Any]
                },
                "seqlets": answer.seqlets.map {
                    ["start": $0.start, "end": $0.end, "core_start": $0.coreStart, "core_end": $0.coreEnd, "name": $0.name,
                     "match": $0.match] as [String: Any]
                },
            ]
            let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self) + "\n"
        case .table:
            var text = "# \(region) (\(region.contig):\(region.start)-\(region.end) 0-based); \(answer.source)\n"
            text += "position\tbase\trelevance\tseqlets\tmotifs\n"
            for (i, value) in answer.relevance.enumerated() {
                let p = region.start + i
                let covering = answer.seqlets.filter { $0.coreStart <= p && p < $0.coreEnd }
                text += "\(p + 1)\t\(String(UnicodeScalar(bases[i])))\t\(String(format: "%.6g", value))\t"
                text += (covering.isEmpty ? "." : covering.map(\.name).joined(separator: ",")) + "\t"
                let matches = covering.map(\.match).filter { !$0.isEmpty }
                text += (matches.isEmpty ? "." : matches.joined(separator: ",")) + "\n"
            }
            return text
        }
    }
}
