import Foundation
import GenomeIO

/// The data shipped in the repository's `data/`, found from the working folder or from the binary's location
/// (`.build/release/plrp` lies three levels below the repository root), for jobs and commands that default to it.
public enum ShippedData {
    public static let genome = "data/genome/dm3_chr2R.fa.gz"
    public static let model = "data/models/default.safetensors"
    public static let database = "data/motifs/JASPAR2026_CORE_insects.meme"
    /// About 1 Mb of chr2R that the default model never saw in training.
    public static let region = "chr2R:1,000,001-2,000,000"

    /// The folder holding `data/`, or nil.
    public static let root: String? = {
        var candidates = [FileManager.default.currentDirectoryPath]
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var folder = PathName.folder(of: executable)
            for _ in 0..<4 {
                candidates.append(folder)
                folder = PathName.folder(of: folder)
            }
        }
        return candidates.first { FileManager.default.fileExists(atPath: PathName.join($0, model)) }
    }()

    /// `relative` inside the shipped data, or a usage error naming the option that would replace it.
    public static func path(_ relative: String, instead option: String) throws -> String {
        guard let root else {
            throw PipelineError.usage("no shipped data found (looked for \(model) here and above the plrp binary); give \(option)")
        }
        return root == FileManager.default.currentDirectoryPath ? relative : PathName.join(root, relative)
    }
}

