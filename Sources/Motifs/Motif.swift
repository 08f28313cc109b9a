import Foundation

/// A position matrix over A, C, G, T: `columns[i]` holds four values for position i. For a PFM they are base
/// probabilities; for a CWM, mean relevance per base.
public struct Motif: Sendable, Equatable {
    public var id: String
    public var name: String
    public var columns: [[Double]]
    /// Sites the matrix was built from (MEME's `nsites`).
    public var sites: Int

    public init(id: String, name: String = "", columns: [[Double]], sites: Int = 0) {
        self.id = id
        self.name = name
        self.columns = columns
        self.sites = sites
    }

    public var width: Int { columns.count }

    /// The reverse complement: columns reversed, A↔T and C↔G swapped.
    public var reverseComplement: Motif {
        Motif(id: id, name: name, columns: columns.reversed().map { [$0[3], $0[2], $0[1], $0[0]] }, sites: sites)
    }

    /// Information content of column i in bits, against a uniform background (PFM columns only).
    public func informationContent(at i: Int) -> Double {
        2 + columns[i].reduce(0) { $1 > 0 ? $0 + $1 * log2($1) : $0 }
    }

    /// The consensus: the most frequent base per column, lower case where it holds less than half the column.
    public var consensus: String {
        String(columns.map { column -> Character in
            let best = (0..<4).max { column[$0] < column[$1] }!
            let letter = Array("ACGT")[best]
            return column[best] >= 0.5 ? letter : Character(letter.lowercased())
        })
    }
}
