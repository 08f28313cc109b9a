import GenomeIO

/// `windows.bed`: row i describes window i of the per-window arrays. BED6, 0-based half-open, ends clipped to the
/// contig; the name is the window's own name (read or record name) or its `chrom:start-end(strand)` identifier,
/// followed by `|suffix` when one is given (one row per output with `explain --target all`).
public enum WindowsBED {
    public static func line(for window: Window, contigLength: Int, nameSuffix: String? = nil) -> String {
        let end = window.clippedEnd(contigLength: contigLength)
        let name = (window.name ?? window.identifier(contigLength: contigLength)) + (nameSuffix.map { "|\($0)" } ?? "")
        return "\(window.contig)\t\(window.start)\t\(end)\t\(name)\t0\t\(window.strand.symbol)\n"
    }
}
