/// A named sequence and its length, as an index (`.fai` or BAM header) reports it.
public struct Contig: Sendable, Equatable {
    public let name: String
    public let length: Int

    public init(name: String, length: Int) {
        self.name = name
        self.length = length
    }
}

/// Contigs in index order, with lookup by name. Index order is the sort order of every written interval.
public struct ContigTable: Sendable {
    public let contigs: [Contig]
    private let positions: [String: Int]

    public init(_ contigs: [Contig]) {
        self.contigs = contigs
        var positions: [String: Int] = [:]
        for (i, contig) in contigs.enumerated() where positions[contig.name] == nil {
            positions[contig.name] = i
        }
        self.positions = positions
    }

    public func index(of name: String) -> Int? { positions[name] }

    public func length(of name: String) -> Int? { positions[name].map { contigs[$0].length } }

    public subscript(i: Int) -> Contig { contigs[i] }

    public var count: Int { contigs.count }
}
