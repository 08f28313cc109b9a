/// The fixed numbers of the bigWig format (UCSC's "bbi" files, Kent et al. 2010): magic numbers, section sizes, and
/// the block sizes this writer uses (those of UCSC's own tools, so every reader's buffers fit).
enum BigWigFormat {
    static let magic: UInt32 = 0x888F_FC26
    /// Version 4 has the whole-file summary and the `uncompressBufSize` field.
    static let version: UInt16 = 4
    static let contigTreeMagic: UInt32 = 0x78CA_8C91
    static let blockIndexMagic: UInt32 = 0x2468_ACE0

    static let headerBytes = 64
    static let zoomHeaderBytes = 24
    static let maxZoomLevels = 10
    static let summaryBytes = 40
    /// Where the whole-file summary and the contig tree start: after the header and room for every zoom header.
    static let summaryOffset = headerBytes + maxZoomLevels * zoomHeaderBytes
    static let contigTreeOffset = summaryOffset + summaryBytes

    /// Runs (or zoom summaries) per compressed block.
    static let itemsPerBlock = 1024
    /// Children per node of the contig tree and of the block indexes.
    static let treeFanout = 256
    /// Section type of a data block whose items are `start, end, value` (bedGraph-like).
    static let bedGraphSection: UInt8 = 1
    /// Zoom levels grow by this factor; a zoom bin of level k + 1 holds exactly four bins of level k.
    static let zoomFactor = 4
}

/// Where a compressed block sits in the file and which part of the genome it covers: one leaf entry of a block index.
/// Each block holds one contig.
struct BlockEntry {
    var contig: UInt32
    var start: UInt32
    var end: UInt32
    var offset: UInt64
    var size: UInt32
}
