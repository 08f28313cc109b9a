/// Groups seqlets into motifs by aligned similarity on both strands.
///
/// A seqlet is its contribution matrix (relevance per base and column, flanks included). Two are compared by the best
/// cosine similarity over shifts of up to `maxShift` columns and both orientations (the reverse complement reverses the
/// columns and swaps A↔T, C↔G). Seqlets are taken strongest first: each joins the most similar cluster at or above
/// `similarity` — added, aligned, into the cluster's running sum — or seeds a new one. Then `refinements` passes
/// reassign every seqlet to the best of the clusters as they stood (a k-means step over alignments), clusters whose
/// sums are alike at `mergeSimilarity` are merged, and clusters with fewer than `minSeqlets` members are dropped.
/// A last merge and reassignment follow, and then the size the data can support is enforced: a cluster must hold at
/// least `minSeqlets` and at least `minFraction` of all clustered seqlets, both signs together (a cluster of 12
/// among 5,000 is a chance alignment more often than a motif, whichever its sign). Positive and negative seqlets are clustered separately.
public struct SeqletClustering: Sendable {
    public var similarity: Float = 0.6
    public var mergeSimilarity: Float = 0.8
    public var maxShift = 4
    public var minSeqlets = 10
    public var refinements = 2
    /// Smallest share of all clustered seqlets (both signs) a cluster must hold.
    public var minFraction = 0.01

    public init() {}

    /// A seqlet placed in a cluster: shifted by `shift` columns and reverse-complemented or not.
    public struct Member: Sendable, Equatable {
        public let seqlet: Int
        public let shift: Int
        public let reverse: Bool
        public let similarity: Float
    }

    /// A cluster: its members and the aligned sums of their contributions and bases over a frame of
    /// `span + 2 × maxShift` columns (`span` = the longest seqlet).
    public struct Cluster: Sendable {
        public let sign: Seqlet.Sign
        public var members: [Member]
        public var contribution: [Float]
        public var bases: [Float]
        public var coverage: [Float]
        /// Aligned sums of the members' hypothetical contributions (empty when the data has none).
        public var hypothetical: [Float]
        /// Columns of the frame: `span` (the longest seqlet) plus `maxShift` on each side.
        public let frame: Int
        public let span: Int

        /// An empty cluster.
        init(sign: Seqlet.Sign, frame: Int, span: Int, hypothetical: Bool = false) {
            self.init(sign: sign, members: [], contribution: .init(repeating: 0, count: frame * 4),
                      bases: .init(repeating: 0, count: frame * 4), coverage: .init(repeating: 0, count: frame),
                      hypothetical: hypothetical ? .init(repeating: 0, count: frame * 4) : [], frame: frame, span: span)
        }

        init(sign: Seqlet.Sign, members: [Member], contribution: [Float], bases: [Float], coverage: [Float],
             hypothetical: [Float] = [], frame: Int, span: Int) {
            self.sign = sign
            self.members = members
            self.contribution = contribution
            self.bases = bases
            self.coverage = coverage
            self.hypothetical = hypothetical
            self.frame = frame
            self.span = span
        }
    }

    public var description: String {
        "aligned-cosine clustering: similarity=\(similarity) merge=\(mergeSimilarity) max_shift=\(maxShift) min_seqlets=\(minSeqlets) min_fraction=\(minFraction)"
    }

    /// The fewest members a cluster must have when `clustered` seqlets are clustered in all.
    public func minimumSize(clustered: Int) -> Int {
        max(minSeqlets, Int((minFraction * Double(clustered)).rounded(.up)))
    }

    public func cluster(_ seqlets: [Seqlet], in data: ExplainedWindows) -> [Cluster] {
        guard let span = seqlets.map({ $0.end - $0.start }).max() else { return [] }
        let frame = span + 2 * maxShift
        var clusters: [Cluster] = []
        for sign in [Seqlet.Sign.positive, .negative] {
            let indices = seqlets.indices.filter { seqlets[$0].sign == sign }
                .sorted { seqlets[$0].score != seqlets[$1].score ? seqlets[$0].score > seqlets[$1].score : $0 < $1 }
            guard !indices.isEmpty else { continue }
            let matrices = Dictionary(uniqueKeysWithValues: indices.map { ($0, Self.matrices(seqlets[$0], data: data, span: span)) })
            // Seeding pass.
            var current: [Cluster] = []
            for i in indices {
                let (c, b, h) = matrices[i]!
                if let best = best(c, among: current, span: span), best.similarity >= similarity {
                    add(i, c, b, h, shift: best.shift, reverse: best.reverse, similarity: best.similarity, to: &current[best.cluster], span: span)
                } else {
                    var cluster = Cluster(sign: sign, frame: frame, span: span, hypothetical: data.hypothetical != nil)
                    add(i, c, b, h, shift: 0, reverse: false, similarity: 1, to: &cluster, span: span)
                    current.append(cluster)
                }
            }
            for _ in 0..<refinements {
                current = merged(current, span: span).filter { $0.members.count >= max(2, minSeqlets / 2) }
                current = withoutRedundantCores(current)
                current = reassigned(indices, matrices, to: current, sign: sign, span: span)
            }
            // The same motif found twice after the last reassignment: merged, and every seqlet placed once more.
            let least = minimumSize(clustered: seqlets.count)
            current = withoutRedundantCores(merged(current, span: span).filter { $0.members.count >= max(2, least / 2) })
            current = reassigned(indices, matrices, to: current, sign: sign, span: span)
            clusters += current.filter { $0.members.count >= least }
                .sorted { $0.members.count > $1.members.count }
        }
        return clusters
    }

    /// Every seqlet placed in the best of `clusters` (as they stand) at `similarity` or better; the others are left out.
    private func reassigned(_ indices: [Int], _ matrices: [Int: ([Float], [Float], [Float])], to clusters: [Cluster],
                            sign: Seqlet.Sign, span: Int) -> [Cluster] {
        let frame = span + 2 * maxShift
        var next = clusters.map { Cluster(sign: sign, frame: frame, span: span, hypothetical: !$0.hypothetical.isEmpty) }
        for i in indices {
            let (c, b, h) = matrices[i]!
            if let best = best(c, among: clusters, span: span), best.similarity >= similarity {
                add(i, c, b, h, shift: best.shift, reverse: best.reverse, similarity: best.similarity, to: &next[best.cluster], span: span)
            }
        }
        return next
    }

    /// Drops clusters whose trimmed core PFM aligns with a larger cluster's (mean column correlation at
    /// `mergeSimilarity` or better, on either strand): the same motif seeded twice at different offsets. Their seqlets
    /// find the surviving cluster in the next reassignment.
    private func withoutRedundantCores(_ clusters: [Cluster]) -> [Cluster] {
        var kept: [(Cluster, Motif)] = []
        for cluster in clusters.sorted(by: { $0.members.count > $1.members.count }) {
            guard let motif = DiscoveredMotif(id: "", cluster: cluster) else { continue }
            let redundant = kept.contains { MotifComparison.meanCorrelation($0.1, motif.pfm) >= Double(mergeSimilarity) }
            if !redundant { kept.append((cluster, motif.pfm)) }
        }
        return kept.map(\.0)
    }

    /// A seqlet's contribution, one-hot and hypothetical matrices, `[span, 4]` column-major by position, zero past its
    /// end (the hypothetical one empty when the data has none).
    static func matrices(_ seqlet: Seqlet, data: ExplainedWindows, span: Int) -> ([Float], [Float], [Float]) {
        var contribution = [Float](repeating: 0, count: span * 4)
        var bases = [Float](repeating: 0, count: span * 4)
        var hypothetical = [Float](repeating: 0, count: data.hypothetical == nil ? 0 : span * 4)
        let o = seqlet.row * 4 * data.length
        let factor: Float = seqlet.sign == .positive ? 1 : -1
        for (k, column) in (seqlet.start..<seqlet.end).enumerated() {
            for c in 0..<4 {
                contribution[k * 4 + c] = factor * data.relevance[o + c * data.length + column]
                bases[k * 4 + c] = data.oneHot[o + c * data.length + column]
                if let h = data.hypothetical { hypothetical[k * 4 + c] = factor * h[o + c * data.length + column] }
            }
        }
        return (contribution, bases, hypothetical)
    }

    /// Reverse complement of a `[n, 4]` matrix.
    static func reverseComplement(_ m: [Float]) -> [Float] {
        let n = m.count / 4
        var out = [Float](repeating: 0, count: m.count)
        for k in 0..<n {
            for c in 0..<4 { out[(n - 1 - k) * 4 + (3 - c)] = m[k * 4 + c] }
        }
        return out
    }

    /// Cosine similarity of `m` (`[span, 4]`) placed at `offset` in a frame matrix, and the best over shifts/strands.
    static func alignedCosine(_ m: [Float], frame: [Float], offset: Int) -> Float {
        var dot: Float = 0, a: Float = 0, b: Float = 0
        for k in 0..<m.count {
            let x = m[k], y = frame[offset * 4 + k]
            dot += x * y
            a += x * x
            b += y * y
        }
        return a > 0 && b > 0 ? dot / (a * b).squareRoot() : 0
    }

    private func best(_ m: [Float], among clusters: [Cluster], span: Int)
        -> (cluster: Int, shift: Int, reverse: Bool, similarity: Float)? {
        var best: (cluster: Int, shift: Int, reverse: Bool, similarity: Float)? = nil
        let rc = Self.reverseComplement(m)
        for (k, cluster) in clusters.enumerated() {
            for shift in -maxShift...maxShift {
                for (reverse, matrix) in [(false, m), (true, rc)] {
                    let s = Self.alignedCosine(matrix, frame: cluster.contribution, offset: maxShift + shift)
                    if best == nil || s > best!.similarity { best = (k, shift, reverse, s) }
                }
            }
        }
        return best
    }

    private func add(_ index: Int, _ contribution: [Float], _ bases: [Float], _ hypothetical: [Float], shift: Int, reverse: Bool,
                     similarity: Float, to cluster: inout Cluster, span: Int) {
        let c = reverse ? Self.reverseComplement(contribution) : contribution
        let b = reverse ? Self.reverseComplement(bases) : bases
        let offset = maxShift + shift
        for k in 0..<(span * 4) {
            cluster.contribution[offset * 4 + k] += c[k]
            cluster.bases[offset * 4 + k] += b[k]
        }
        if !cluster.hypothetical.isEmpty, !hypothetical.isEmpty {
            let h = reverse ? Self.reverseComplement(hypothetical) : hypothetical
            for k in 0..<(span * 4) { cluster.hypothetical[offset * 4 + k] += h[k] }
        }
        for k in 0..<span where b[k * 4..<(k * 4 + 4)].contains(1) { cluster.coverage[offset + k] += 1 }
        cluster.members.append(Member(seqlet: index, shift: shift, reverse: reverse, similarity: similarity))
    }

    /// Merges clusters whose summed contributions align at `mergeSimilarity` or better (the smaller into the larger).
    private func merged(_ clusters: [Cluster], span: Int) -> [Cluster] {
        var clusters = clusters.sorted { $0.members.count > $1.members.count }
        var k = 0
        while k < clusters.count {
            var j = k + 1
            while j < clusters.count {
                if Self.frameSimilarity(clusters[k].contribution, clusters[j].contribution, maxShift: maxShift) >= mergeSimilarity {
                    // The larger cluster's sum stands for both; the next pass reassigns every member.
                    clusters[k].members += clusters[j].members
                    clusters.remove(at: j)
                } else {
                    j += 1
                }
            }
            k += 1
        }
        return clusters
    }

    /// Best cosine between two frames over shifts and both orientations.
    static func frameSimilarity(_ a: [Float], _ b: [Float], maxShift: Int) -> Float {
        let n = a.count / 4
        var best: Float = 0
        for matrix in [b, reverseComplement(b)] {
            for shift in -maxShift...maxShift {
                var dot: Float = 0, na: Float = 0, nb: Float = 0
                for k in 0..<n where k + shift >= 0 && k + shift < n {
                    for c in 0..<4 {
                        let x = a[k * 4 + c], y = matrix[(k + shift) * 4 + c]
                        dot += x * y
                        na += x * x
                        nb += y * y
                    }
                }
                if na > 0 && nb > 0 { best = max(best, dot / (na * nb).squareRoot()) }
            }
        }
        return best
    }
}
