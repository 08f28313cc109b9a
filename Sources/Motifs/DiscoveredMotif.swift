/// A motif found in the data: its PFM (base frequencies) and CWM (mean contribution per base), trimmed to the
/// informative core, and the seqlets it was built from.
public struct DiscoveredMotif: Sendable {
    public let id: String
    public let sign: Seqlet.Sign
    public let pfm: Motif
    public let cwm: Motif
    /// The core's columns in the cluster frame, `[coreStart, coreEnd)`.
    public let coreStart: Int
    public let coreEnd: Int
    public let cluster: SeqletClustering.Cluster
    /// Whether the CWM is the mean of hypothetical contributions (TF-MoDISco's CWM) rather than of actual ones.
    public var hypothetical: Bool { !cluster.hypothetical.isEmpty }

    /// Columns whose mean |contribution| is below this fraction of the strongest column are trimmed from the ends.
    public static let trimFraction: Float = 0.3

    /// Builds the motif of `cluster`, or nil when no column carries contribution.
    public init?(id: String, cluster: SeqletClustering.Cluster) {
        let frame = cluster.frame
        let members = Float(cluster.members.count)
        let importance = (0..<frame).map { k in
            cluster.coverage[k] >= members / 2 ? (0..<4).reduce(Float(0)) { $0 + abs(cluster.contribution[k * 4 + $1]) } : 0
        }
        guard let strongest = importance.max(), strongest > 0 else { return nil }
        let kept = importance.indices.filter { importance[$0] >= Self.trimFraction * strongest }
        coreStart = kept.first!
        coreEnd = kept.last! + 1
        self.id = id
        sign = cluster.sign
        self.cluster = cluster
        let columns = coreStart..<coreEnd
        pfm = Motif(id: id, name: "\(cluster.sign.rawValue) \(cluster.members.count) seqlets", columns: columns.map { k in
            let counts = (0..<4).map { Double(cluster.bases[k * 4 + $0]) }
            let total = counts.reduce(0, +)
            return total > 0 ? counts.map { $0 / total } : [0.25, 0.25, 0.25, 0.25]
        }, sites: cluster.members.count)
        let factor: Double = cluster.sign == .positive ? 1 : -1
        let sums = cluster.hypothetical.isEmpty ? cluster.contribution : cluster.hypothetical
        cwm = Motif(id: id, name: pfm.name, columns: columns.map { k in
            let covered = max(Double(cluster.coverage[k]), 1)
            return (0..<4).map { factor * Double(sums[k * 4 + $0]) / covered }
        }, sites: cluster.members.count)
    }

    /// The CWM as a probability-like matrix for comparison with PFMs: |contribution| normalised per column.
    public var cwmAsFrequencies: Motif {
        Motif(id: id, name: cwm.name, columns: cwm.columns.map { column in
            let magnitude = column.map { abs($0) }
            let total = magnitude.reduce(0, +)
            return total > 0 ? magnitude.map { $0 / total } : [0.25, 0.25, 0.25, 0.25]
        }, sites: cwm.sites)
    }
}
