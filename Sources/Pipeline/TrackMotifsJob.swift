import Encoding
import Foundation
import GenomeIO
import Motifs
import Tracks

/// `plrp motifs --track`: motifs straight from a genome track of per-base relevance (an explain or run output's
/// relevance.bw or relevance.bedGraph.gz, where overlapping windows are already averaged, so each site is there
/// once). Seqlets are called on the track contig by contig (or region by region) in blocks of rows
/// (`TrackSeqletCaller`), the strongest `motifs.maxSeqlets` of each sign kept with their genome coordinates; their
/// sequences come from the FASTA, and they are clustered, turned into motifs and matched as `MotifsJob` does, with no
/// second calling or merging. Memory holds one block of rows and the kept seqlets, whatever the genome's size.
public struct TrackMotifsJob: Sendable {
    /// The motif settings (caller, clustering, information rules, database, seqlets kept per sign).
    public var motifs: MotifsJob
    /// A bigWig (`.bw`) or a bgzipped, tabix-indexed bedGraph.
    public var track: String
    /// The genome the track lies on.
    public var fasta: String
    /// A BED of regions to call seqlets in (cores inside them); every contig of the track when nil.
    public var regions: String?
    /// Bases per row, and rows per block (the pool of the caller's null).
    public var rowLength = 2000
    public var blockRows = 512
    /// The track's name in output headers and the report; nil for its file name (a run names its staged track).
    public var trackName: String?

    public init(track: String, fasta: String, regions: String? = nil, motifs: MotifsJob = MotifsJob()) {
        (self.track, self.fasta, self.regions, self.motifs) = (track, fasta, regions, motifs)
    }

    public func validate() throws {
        try motifs.validate()
        if rowLength <= 2 * (motifs.seqletWindow + 2 * motifs.flank) || blockRows < 1 {
            throw PipelineError.usage("rows must be longer than twice window + 2·flank and blocks hold at least one row")
        }
    }

    /// The caller these settings describe.
    public var caller: TrackSeqletCaller {
        var caller = TrackSeqletCaller()
        caller.caller = motifs.discovery.caller
        caller.rowLength = rowLength
        caller.blockRows = blockRows
        caller.keep = motifs.maxSeqlets
        return caller
    }

    /// Seqlets, motifs and matches of the track, in memory.
    public func find() throws -> TrackMotifs {
        let started = Date()
        try validate()
        guard FileManager.default.fileExists(atPath: fasta) else { throw PipelineError.data("cannot read FASTA '\(fasta)': no such file") }
        let genome = try FastaFile(path: fasta)
        let values = try TrackValues(path: track)
        let database = try motifs.database.map { try MEMEFile.read(path: $0) }
        let stretches = try self.stretches(values: values, genome: genome)
        let caller = self.caller
        let found = try caller.call(stretches, read: { contig, start, end, buffer in
            try values.read(contig: contig, start: start, end: end, into: &buffer)
        })
        guard !found.sites.isEmpty else {
            throw PipelineError.data("no seqlet is significant in track '\(track)' (\(found.blocks) blocks of rows with values)")
        }
        let data = try Self.windows(found.sites, span: caller.span, genome: genome)
        let seqlets = found.sites.enumerated().map { i, site in
            let core = site.coreStart - site.spanStart
            return Seqlet(row: i, coreStart: core, coreEnd: core + (site.coreEnd - site.coreStart),
                          start: max(0, core - caller.caller.flank), end: min(caller.span, core + (site.coreEnd - site.coreStart) + caller.caller.flank),
                          sign: site.sign, score: site.score)
        }
        let discovery = motifs.discovery
        let thresholds = found.thresholds.mapValues { $0.lowerBound }
        let result = discovery.discover(seqlets, in: data, comparison: database.map { MotifComparison(database: $0) },
                                        merged: found.joined, conflicts: 0, thresholds: thresholds)
        let kept = [Seqlet.Sign.positive, .negative].map { sign in seqlets.filter { $0.sign == sign }.count }
        let header = [
            "plrp \(plrpVersion) motifs --track \(shownTrack)",
            discovery.caller.description + " rows=\(rowLength) overlap=\(caller.overlap) block=\(blockRows) rows (the null pools a block)",
            "thresholds over \(found.blocks) blocks: " + [Seqlet.Sign.positive, .negative].map { sign in
                "\(sign.rawValue)=" + (found.thresholds[sign].map { "\($0.lowerBound)–\($0.upperBound)" } ?? "none")
            }.joined(separator: " "),
            discovery.clustering.description,
            discovery.description,
            "seqlets: the strongest \(kept[0]) positive and \(kept[1]) negative of \(found.called[.positive] ?? 0) positive and \(found.called[.negative] ?? 0) negative called on the track are kept and listed (at most \(motifs.maxSeqlets) per sign); \(found.joined) joined across row boundaries; \(result.lowInformation) low-information clusters dropped",
        ]
        var motifsFound = FoundMotifs(data: data, result: result, database: database, header: header,
                                      seconds: Date().timeIntervalSince(started))
        motifsFound.counts = "\((found.called[.positive] ?? 0) + (found.called[.negative] ?? 0)) seqlets called on the track in \(found.blocks) blocks of rows; the strongest \(seqlets.count) kept (\(kept[0]) positive, \(kept[1]) negative), \(found.joined) joined across row starts"
        return TrackMotifs(found: motifsFound, calls: found)
    }

    private var shownTrack: String { trackName ?? (track as NSString).lastPathComponent }

    /// Finds motifs in the track and stages every motif output in `folder`; the caller writes the manifest.
    public func run(into folder: OutputDirectory) throws -> MotifsReport {
        let started = Date()
        let motifsFound = try find()
        let found = motifsFound.found
        let source: [(String, String)] = [("track", shownTrack),
                                          ("genome", (fasta as NSString).lastPathComponent),
                                          ("regions", regions.map { ($0 as NSString).lastPathComponent } ?? "every contig of the track")]
        try motifs.stage(found, into: folder, source: source)
        var report = motifs.report(found, inputs: [track, fasta] + (regions.map { [$0] } ?? []), seconds: Date().timeIntervalSince(started))
        report.parameters["track"] = trackName ?? track
        report.parameters["fasta"] = fasta
        report.parameters["regions"] = regions ?? NSNull()
        report.parameters["row_length"] = rowLength
        report.parameters["block_rows"] = blockRows
        report.results["windows"] = nil
        report.results["seqlets_kept"] = found.result.seqlets.count
        report.results["sign_conflicts"] = nil
        report.results["merged_sightings"] = nil
        report.results["joined_across_rows"] = found.result.merged
        report.results["seqlets_called"] = ["pos": motifsFound.calls.called[.positive] ?? 0, "neg": motifsFound.calls.called[.negative] ?? 0]
        report.results["blocks"] = motifsFound.calls.blocks
        return report
    }

    /// The stretches to call in: the `regions` (sorted, overlaps joined), or every contig of the track with values.
    func stretches(values: TrackValues, genome: FastaFile) throws -> [TrackSeqletCaller.Stretch] {
        if let regions {
            var list: [GenomicRegion] = []
            for entry in try RegionFile.read(path: regions) {
                guard let length = genome.contigs.length(of: entry.region.contig) else {
                    throw PipelineError.data("\(entry.origin): contig '\(entry.region.contig)' is not in FASTA '\(fasta)'")
                }
                let region = entry.region
                list.append(GenomicRegion(contig: region.contig, start: max(0, region.start), end: min(length, region.end)))
            }
            // Sorted and joined as a track's extent is.
            return try TrackExtent(regions: list, contigs: genome.contigs).spans.map { span in
                let contig = genome.contigs[span.contig]
                return TrackSeqletCaller.Stretch(contig: contig.name, start: span.start, end: span.end, contigLength: contig.length)
            }
        }
        var stretches: [TrackSeqletCaller.Stretch] = []
        for contig in values.contigs {
            guard let length = genome.contigs.length(of: contig) else {
                if values.hasValues(contig: contig) {
                    throw PipelineError.data("contig '\(contig)' of track '\(track)' is not in FASTA '\(fasta)'")
                }
                continue
            }
            stretches.append(TrackSeqletCaller.Stretch(contig: contig, start: 0, end: length, contigLength: length))
        }
        guard !stretches.isEmpty else { throw PipelineError.data("track '\(track)' names no contig of FASTA '\(fasta)'") }
        return stretches
    }

    /// One row per kept seqlet, `span` bases: one-hot from the genome as plrp encodes every window (past the contig
    /// end, and at N, a zero column), relevance = the track's value on the channel of the base that is there, places
    /// in genome coordinates.
    static func windows(_ sites: [TrackSeqletCaller.Site], span: Int, genome: FastaFile) throws -> ExplainedWindows {
        let encoder = OneHotEncoder(policy: .zero)
        var oneHot: [Float] = []
        oneHot.reserveCapacity(sites.count * 4 * span)
        var relevance = [Float](repeating: 0, count: sites.count * 4 * span)
        var letters: [UInt8] = []
        var places: [Window] = []
        places.reserveCapacity(sites.count)
        for (r, site) in sites.enumerated() {
            let length = genome.contigs.length(of: site.contig)!
            try genome.fetch(contig: site.contig, start: site.spanStart, end: min(length, site.spanStart + span), into: &letters)
            letters.append(contentsOf: repeatElement(UInt8(ascii: "N"), count: span - letters.count))
            encoder.encode(letters, count: 1, length: span, appendingTo: &oneHot)
            for c in 0..<4 {
                for i in 0..<min(span, site.values.count) where oneHot[r * 4 * span + c * span + i] == 1 {
                    relevance[r * 4 * span + c * span + i] = site.values[i]
                }
            }
            places.append(Window(contig: site.contig, start: site.spanStart, end: site.spanStart + span))
        }
        return try ExplainedWindows(length: span, oneHot: oneHot, relevance: relevance, places: places)
    }
}

/// A track's motifs with the seqlet calls they came from (counts of all called, blocks, thresholds).
public struct TrackMotifs: Sendable {
    public let found: FoundMotifs
    public let calls: TrackSeqletCaller.Result
}
