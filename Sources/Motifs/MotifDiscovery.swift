/// Seqlets → motifs → database matches, the whole of `plrp motifs` short of reading and writing files.
public struct MotifDiscovery: Sendable {
    public var caller = SeqletCaller()
    public var clustering = SeqletClustering()
    /// At most this many of the strongest seqlets of each sign are clustered (all are written to seqlets.bed).
    public var maxClustered = 5000
    /// Matches with q-values below this are reported.
    public var matchQ = 0.05

    public init() {}

    public struct Result: Sendable {
        public let seqlets: [Seqlet]
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
        let called = caller.call(data)
        var order: [Int] = []
        for sign in [Seqlet.Sign.positive, .negative] {
            order += called.seqlets.indices.filter { called.seqlets[$0].sign == sign }
                .sorted { called.seqlets[$0].score > called.seqlets[$1].score }.prefix(maxClustered)
        }
        let clustered = order.map { called.seqlets[$0] }
        let clusters = clustering.cluster(clustered, in: data)
        var counts: [Seqlet.Sign: Int] = [:]
        let motifs = clusters.compactMap { cluster -> DiscoveredMotif? in
            counts[cluster.sign, default: 0] += 1
            // Members index the clustered subset; point them back at all seqlets.
            var remapped = cluster
            remapped.members = cluster.members.map {
                .init(seqlet: order[$0.seqlet], shift: $0.shift, reverse: $0.reverse, similarity: $0.similarity)
            }
            return DiscoveredMotif(id: "\(cluster.sign.rawValue)_\(counts[cluster.sign]!)", cluster: remapped)
        }
        let matches = motifs.map { motif -> [Match] in
            guard let comparison else { return [] }
            return significant(motif, comparison)
        }
        return Result(seqlets: called.seqlets, thresholds: called.thresholds, motifs: motifs, matches: matches)
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
