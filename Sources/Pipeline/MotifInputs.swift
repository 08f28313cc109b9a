import Foundation
import GenomeIO

extension ExplainArrays {
    /// The arrays of the explain output folder `folder`, checked to be there (windows.bed, ohe.npz, attr.npz).
    public static func checked(folder: String) throws -> ExplainArrays {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw PipelineError.data("--input '\(folder)' is not a folder")
        }
        let arrays = ExplainArrays(folder: folder)
        for (name, path) in [("windows.bed", arrays.windows), ("ohe.npz", arrays.oneHot)] where !FileManager.default.fileExists(atPath: path) {
            throw PipelineError.data("'\(folder)' has no \(name): give the output folder of plrp explain")
        }
        if arrays.relevance == nil && arrays.hypothetical == nil {
            throw PipelineError.data("'\(folder)' has no attr.npz (nor hypothetical.npz): give the output folder of plrp explain with arrays")
        }
        return arrays
    }
}

extension TrackMotifsJob {
    /// Checks that the track, the FASTA and the regions can be read, before an output folder is made.
    public func checkInputs() throws {
        for (option, path) in [("--track", track), ("--fasta", fasta)] + (regions.map { [("--regions", $0)] } ?? [])
        where !FileManager.default.isReadableFile(atPath: path) {
            throw PipelineError.data("cannot read \(option) '\(path)'")
        }
    }
}
