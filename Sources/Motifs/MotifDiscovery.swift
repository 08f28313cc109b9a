/// Seqlets → motifs → database matches, the whole of `plrp motifs` short of reading and writing files.
///
/// Seqlets sighted in several overlapping windows become one (`SeqletMerging`) before anything counts or clusters
/// them. Clusters whose trimmed PFM carries less than `minBits` bits in all (summed over its columns, against a uniform
/// background), or whose most informative `coreColumns` consecutive columns (all, when fewer) average less than
/// `minCoreBits`, are dropped: a stack of seqlets that agree on few bases, their relevance spread thinly over a wide
/// core, is no motif. On the simulated benchmarks planted motifs score 1.2–1.7 bits there and such stacks 0.6–0.9;
/// the DRE of the shipped promoter model 1.0. Motifs are numbered and listed by
/// support (seqlets), largest first, positive and negative each counted from 1.
public struct MotifDiscovery: Sendable {
    public var caller = SeqletCaller()
    public var clustering = SeqletClustering()
    /// At most this many of the strongest seqlets of each sign are clustered (all are written to seqlets.bed).
    public var maxClustered = 5000
    /// Matches with q-values below this are reported.
    public var matchQ = 0.05
    /// Least information content (bits, summed over the trimmed PFM's columns) of a reported motif.
    public var minBits = 4.0
    /// Least mean information content per column over a reported motif's most informative `coreColumns` columns.
    public var minCoreBits = 0.95
    public var coreColumns = 8

    /// A description of the motif rules for output headers.
    public var description: String {
        "motifs: one seqlet per site across overlapping windows; clusters under max(min_seqlets, min_fraction of all clustered seqlets) dropped; PFMs under min_bits=\(minBits) bits, or under min_core_bits=\(minCoreBits) bits per column over their best \(coreColumns) consecutive columns, dropped; same-motif clusters (PFM column correlation >= \(clustering.mergeSimilarity), both strands) merged; sorted by seqlets"
    }

    public init() {}

    public struct Result: Sendable {
        /// One per site (sightings in overlapping windows merged).
        public let seqlets: [Seqlet]
        /// Sightings folded into another seqlet, and sites whose sightings disagreed in sign.
        public let merged: Int
        public let conflicts: Int
        /// Clusters dropped for carrying under `minBits` bits, or under `minCoreBits` per column in their core.
        public let lowInformation: Int
        public let thresholds: [Seqlet.Sign: Float]
        public let motifs: [DiscoveredMotif]
        /// Per motif, its significant database matches, best first.
        public let matches: [[Match]]
    }

    /// A significant database match of a discovered motif, and which of its matrices matched.
    public struct Match: Sendable {
        public var comparison: MotifComparison.Match
        public let matrix: String
    }

    public func run(_ data: ExplainedWindows, comparison: MotifComparison?) -> Result {
        let raw = caller.call(data)
        let sites = SeqletMerging.merge(raw.seqlets, places: data.places, scores: data.baseScores(row:))
        return discover(sites.seqlets, in: data, comparison: comparison, merged: sites.merged, conflicts: sites.conflicts,
                        thresholds: raw.thresholds)
    }

    /// Clusters, motifs and matches from seqlets already called and merged (one per site) in `data`: the part of
    /// `run` shared with callers that find seqlets their own way (a genome track, streamed). `merged`, `conflicts`
    /// and `thresholds` are passed through to the result.
    public func discover(_ seqlets: [Seqlet], in data: ExplainedWindows, comparison: MotifComparison?, merged: Int,
                         conflicts: Int, thresholds: [Seqlet.Sign: Float]) -> Result {
        var order: [Int] = []
        for sign in [Seqlet.Sign.positive, .negative] {
            let ofSign: [Int] = seqlets.indices.filter { seqlets[$0].sign == sign }
            let strongest: [Int] = ofSign.sorted { (a: Int, b: Int) -> Bool in seqlets[a].score > seqlets[b].score }
            order += strongest.prefix(maxClustered)
        }
        let clustered = order.map { seqlets[$0] }
        let clusters = clustering.cluster(clustered, in: data)
        var candidates: [(SeqletClustering.Cluster, DiscoveredMotif)] = []
        var lowInformation = 0
        for cluster in clusters {
            // Members index the clustered subset; point them back at all seqlets.
            var remapped = cluster
            remapped.members = cluster.members.map { (m: SeqletClustering.Member) -> SeqletClustering.Member in
                SeqletClustering.Member(seqlet: order[m.seqlet], shift: m.shift, reverse: m.reverse, similarity: m.similarity)
            }
            guard let motif = DiscoveredMotif(id: "", cluster: remapped) else { continue }
            if Self.bits(motif.pfm) < minBits || Self.coreBits(motif.pfm, columns: coreColumns) < minCoreBits {
                lowInformation += 1
                continue
            }
            candidates.append((remapped, motif))
        }
        candidates.sort { (a: (SeqletClustering.Cluster, DiscoveredMotif), b: (SeqletClustering.Cluster, DiscoveredMotif)) -> Bool in
            let (x, y) = (a.0.members.count, b.0.members.count)
            return x != y ? x > y : (a.0.sign == .positive && b.0.sign == .negative)
        }
        var counts: [Seqlet.Sign: Int] = [:]
        let motifs = candidates.compactMap { cluster, _ -> DiscoveredMotif? in
            counts[cluster.sign, default: 0] += 1
            return DiscoveredMotif(id: "\(cluster.sign.rawValue)_\(counts[cluster.sign]!)", cluster: cluster)
        }
        let matches = motifs.map { motif -> [Match] in
            guard let comparison else { return [] }
            return significant(motif, comparison)
        }
        return Result(seqlets: seqlets, merged: merged, conflicts: conflicts, lowInformation: lowInformation,
                      thresholds: thresholds, motifs: motifs, matches: matches)
    }

    /// Information content of a PFM in bits, summed over its columns.
    public static func bits(_ pfm: Motif) -> Double {
        pfm.columns.indices.reduce(0) { $0 + pfm.informationContent(at: $1) }
    }

    /// The highest mean information content per column over `columns` consecutive columns (all, when fewer).
    public static func coreBits(_ pfm: Motif, columns: Int) -> Double {
        let ic = pfm.columns.indices.map { pfm.informationContent(at: $0) }
        let k = min(columns, ic.count)
        guard k > 0 else { return 0 }
        return (0...(ic.count - k)).map { ic[$0..<($0 + k)].reduce(0, +) / Double(k) }.max()!
    }

    /// PFM and CWM each compared; per database motif the better of the two (p doubled for the two tries, Bonferroni),
    /// then Benjamini–Hochberg over the database.
    private func significant(_ motif: DiscoveredMotif, _ comparison: MotifComparison) -> [Match] {
        let pfm = comparison.compare(motif.pfm)
        let cwm = comparison.compare(motif.cwmAsFrequencies)
        var best = zip(pfm, cwm).map { a, b -> Match in
            var (chosen, matrix) = a.pValue <= b.pValue ? (a, "PFM") : (b, "CWM")
            chosen.pValue = min(1, 2 * chosen.pValue)
            return Match(comparison: chosen, matrix: matrix)
        }
        let q = BenjaminiHochberg.qValues(best.map(\.comparison.pValue))
        for i in best.indices { best[i].comparison.qValue = q[i] }
        return best.filter { $0.comparison.qValue < matchQ }.sorted { $0.comparison.pValue < $1.comparison.pValue }
    }
}
