/// Writes the R-tree readers use to find the blocks that overlap a region (UCSC's "cirTree"): a 48-byte header,
/// then the nodes root first. Leaf slots hold a block's extent, offset and size; inner slots a child's extent and
/// offset. Entries arrive in genome order, so a node's extent is its first entry's start to its last entry's end.
enum BlockIndex {
    /// Writes the index at the file's current offset. Entry offsets are moved by `shift` (for blocks that were
    /// written elsewhere first); `endOfData` is where the blocks end.
    static func write(_ entries: [BlockEntry], shift: UInt64 = 0, endOfData: Int, to file: BinaryFile) throws {
        let fanout = BigWigFormat.treeFanout
        let shape = TreeShape(items: entries.count, fanout: fanout)
        let first = entries.first, last = entries.last
        var header: [UInt8] = []
        header.appendLittleEndian(BigWigFormat.blockIndexMagic)
        header.appendLittleEndian(UInt32(fanout))
        header.appendLittleEndian(UInt64(entries.count))
        header.appendLittleEndian(first?.contig ?? 0)
        header.appendLittleEndian(first?.start ?? 0)
        header.appendLittleEndian(last?.contig ?? 0)
        header.appendLittleEndian(last?.end ?? 0)
        header.appendLittleEndian(UInt64(endOfData))
        header.appendLittleEndian(UInt32(BigWigFormat.itemsPerBlock))
        header.appendLittleEndian(UInt32(0))
        try file.write(header)

        try shape.write(to: file, nodeBytes: { 4 + fanout * ($0 == shape.leafLevel ? 32 : 24) },
                        leafSlots: { items, node in
                            for entry in entries[items] {
                                node.appendExtent(from: entry, to: entry)
                                node.appendLittleEndian(entry.offset + shift)
                                node.appendLittleEndian(UInt64(entry.size))
                            }
                        },
                        innerSlot: { items, offset, node in
                            node.appendExtent(from: entries[items.first!], to: entries[items.last!])
                            node.appendLittleEndian(UInt64(offset))
                        })
    }
}

private extension Array where Element == UInt8 {
    mutating func appendExtent(from first: BlockEntry, to last: BlockEntry) {
        appendLittleEndian(first.contig)
        appendLittleEndian(first.start)
        appendLittleEndian(last.contig)
        appendLittleEndian(last.end)
    }
}
