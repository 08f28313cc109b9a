import GenomeIO

/// `windows.bed`: row i describes window i of the per-window arrays. BED6, 0-based half-open, ends clipped to the
/// contig; the name is the window's own name (read or record name) or its `chrom:start-end(strand)` identifier.
public enum WindowsBED {
    public static func line(for window: Window, contigLength: Int) -> String {
        let end = window.clippedEnd(contigLength: contigLength)
        let name = window.name ?? window.identifier(contigLength: contigLength)
        return "\(window.contig)\t\(window.start)\t\(end)\t\(name)\t0\t\(window.strand.symbol)\n"
    }
}
