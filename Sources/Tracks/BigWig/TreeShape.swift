/// The shape of a bulk-loaded tree over `items` sorted leaf items, with up to `fanout` children per node, as bigWig's
/// contig tree and block indexes store it: levels written root first, every node padded to `fanout` slots, so a
/// node's file offset follows from its level and position alone.
struct TreeShape {
    let items: Int
    let fanout: Int
    /// Nodes per level, root level first; the last level holds the leaves.
    let levels: [Int]

    init(items: Int, fanout: Int) {
        self.items = items
        self.fanout = fanout
        var counts = [max(1, (items + fanout - 1) / fanout)]
        while counts[0] > 1 { counts.insert((counts[0] + fanout - 1) / fanout, at: 0) }
        levels = counts
    }

    var leafLevel: Int { levels.count - 1 }

    /// The leaf items under node `node` of `level`.
    func items(ofNode node: Int, atLevel level: Int) -> Range<Int> {
        var span = fanout
        for _ in level..<leafLevel { span *= fanout }
        return min(items, node * span)..<min(items, (node + 1) * span)
    }

    /// The nodes of `level + 1` under node `node` of `level`.
    func children(ofNode node: Int, atLevel level: Int) -> Range<Int> {
        min(levels[level + 1], node * fanout)..<min(levels[level + 1], (node + 1) * fanout)
    }

    /// File offset of node `node` of `level`, for a tree whose root starts at `root`.
    func offset(ofNode node: Int, atLevel level: Int, root: Int, nodeBytes: (Int) -> Int) -> Int {
        var offset = root
        for above in 0..<level { offset += levels[above] * nodeBytes(above) }
        return offset + node * nodeBytes(level)
    }

    /// Writes every node at the file's current offset, root first. Each node is `isLeaf`, a reserved byte and its
    /// slot count, then `leafSlots` (a leaf's items) or one `innerSlot` per child (the child's leaf items and file
    /// offset), zero-padded to `nodeBytes(level)`.
    func write(to file: BinaryFile, nodeBytes: (Int) -> Int, leafSlots: (Range<Int>, inout [UInt8]) -> Void,
               innerSlot: (Range<Int>, Int, inout [UInt8]) -> Void) throws {
        let root = file.offset
        var node: [UInt8] = []
        for level in levels.indices {
            let leaf = level == leafLevel
            for index in 0..<levels[level] {
                node.removeAll(keepingCapacity: true)
                node.append(leaf ? 1 : 0)
                node.append(0)
                if leaf {
                    let slots = items(ofNode: index, atLevel: level)
                    node.appendLittleEndian(UInt16(slots.count))
                    leafSlots(slots, &node)
                } else {
                    let slots = children(ofNode: index, atLevel: level)
                    node.appendLittleEndian(UInt16(slots.count))
                    for child in slots {
                        innerSlot(items(ofNode: child, atLevel: level + 1),
                                  offset(ofNode: child, atLevel: level + 1, root: root, nodeBytes: nodeBytes), &node)
                    }
                }
                node.append(contentsOf: repeatElement(0, count: nodeBytes(level) - node.count))
                try file.write(node)
            }
        }
    }
}
