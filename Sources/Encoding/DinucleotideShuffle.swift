/// Shuffles a sequence while keeping its exact dinucleotide counts (Altschul & Erickson 1985, by the Eulerian-walk
/// method of Kandel et al. 1996): a null background with the same local composition, used for training negatives.
/// Case is folded to upper; bases other than A, C, G, T stay where they are and split the sequence into runs that are
/// shuffled separately.
public enum DinucleotideShuffle {
    public static func shuffle<G: RandomNumberGenerator>(_ bases: [UInt8], using random: inout G) -> [UInt8] {
        var result = bases.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }
        var start = 0
        while start < result.count {
            guard code(result[start]) != nil else {
                start += 1
                continue
            }
            var end = start
            while end < result.count, code(result[end]) != nil { end += 1 }
            shuffleRun(&result, start..<end, using: &random)
            start = end
        }
        return result
    }

    private static func code(_ base: UInt8) -> Int? {
        switch base {
        case UInt8(ascii: "A"): 0
        case UInt8(ascii: "C"): 1
        case UInt8(ascii: "G"): 2
        case UInt8(ascii: "T"): 3
        default: nil
        }
    }

    private static let letters = Array("ACGT".utf8)

    private static func shuffleRun<G: RandomNumberGenerator>(_ s: inout [UInt8], _ range: Range<Int>, using random: inout G) {
        guard range.count > 2 else { return }
        let codes = range.map { code(s[$0])! }
        let first = codes.first!, last = codes.last!
        // Edges u → v, one per dinucleotide, grouped by u.
        var edges = [[Int]](repeating: [], count: 4)
        for (u, v) in zip(codes, codes.dropFirst()) { edges[u].append(v) }
        // A random arborescence towards `last`: for each other vertex, the last edge it leaves by.
        var lastEdge = [Int?](repeating: nil, count: 4)
        var inTree = [Bool](repeating: false, count: 4)
        inTree[last] = true
        for vertex in 0..<4 where !edges[vertex].isEmpty {
            // Random walk from `vertex` until the tree is reached (Wilson's algorithm), remembering the exits.
            var u = vertex
            var next = [Int?](repeating: nil, count: 4)
            while !inTree[u] {
                let v = edges[u][Int(random.next() % UInt64(edges[u].count))]
                next[u] = v
                u = v
            }
            u = vertex
            while !inTree[u] {
                inTree[u] = true
                lastEdge[u] = next[u]
                u = next[u]!
            }
        }
        // Shuffle each vertex's other exits, then put the tree edge last.
        for u in 0..<4 where !edges[u].isEmpty {
            var exits = edges[u]
            if let keep = lastEdge[u] { exits.remove(at: exits.firstIndex(of: keep)!) }
            for i in stride(from: exits.count - 1, to: 0, by: -1) {
                exits.swapAt(i, Int(random.next() % UInt64(i + 1)))
            }
            if let keep = lastEdge[u] { exits.append(keep) }
            edges[u] = exits
        }
        var cursor = [Int](repeating: 0, count: 4)
        var u = first
        s[range.lowerBound] = letters[u]
        for i in (range.lowerBound + 1)..<range.upperBound {
            let v = edges[u][cursor[u]]
            cursor[u] += 1
            s[i] = letters[v]
            u = v
        }
    }
}
