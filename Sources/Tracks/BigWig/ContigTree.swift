import GenomeIO

/// Writes the B+ tree that maps contig names to the ids the data blocks use (id = position in the index, so readers
/// list contigs in the FASTA index's order). Keys are names zero-padded to the longest, sorted bytewise.
enum ContigTree {
    static func write(_ contigs: ContigTable, to file: BinaryFile) throws {
        let keys = contigs.contigs.map { Array($0.name.utf8) }
        let keyBytes = max(1, keys.map(\.count).max() ?? 1)
        let order = keys.indices.sorted { keys[$0].lexicographicallyPrecedes(keys[$1]) }
        let fanout = max(1, min(BigWigFormat.treeFanout, contigs.count))

        var header: [UInt8] = []
        header.appendLittleEndian(BigWigFormat.contigTreeMagic)
        header.appendLittleEndian(UInt32(fanout))
        header.appendLittleEndian(UInt32(keyBytes))
        header.appendLittleEndian(UInt32(8))
        header.appendLittleEndian(UInt64(contigs.count))
        header.appendLittleEndian(UInt64(0))
        try file.write(header)

        func appendKey(_ item: Int, to node: inout [UInt8]) {
            node.append(contentsOf: keys[order[item]])
            node.append(contentsOf: repeatElement(0, count: keyBytes - keys[order[item]].count))
        }
        try TreeShape(items: contigs.count, fanout: fanout).write(
            to: file, nodeBytes: { _ in 4 + fanout * (keyBytes + 8) },
            leafSlots: { items, node in
                for item in items {
                    appendKey(item, to: &node)
                    node.appendLittleEndian(UInt32(order[item]))
                    node.appendLittleEndian(UInt32(contigs[order[item]].length))
                }
            },
            innerSlot: { items, offset, node in
                appendKey(items.lowerBound, to: &node)
                node.appendLittleEndian(UInt64(offset))
            })
    }
}
