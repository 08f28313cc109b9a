import Foundation
import GenomeIO
import Model

/// Opening what the user names, with errors that say what is wrong with it.
public enum Opening {
    /// A plrp model file. A file that is not safetensors at all (a FASTA or ONNX file given by mistake) is named as
    /// such after the parser's own complaint.
    public static func model(_ path: String) throws -> Network {
        do {
            return try ModelFile.load(path: path)
        } catch let error as ModelError where FileManager.default.fileExists(atPath: path) && !looksLikeSafetensors(path) {
            throw PipelineError.data("\(error.message): not a plrp model (a .safetensors file; ONNX models are converted with plrp model import)")
        }
    }

    /// A region in samtools syntax on `contigs`; an unknown contig lists the index's contigs.
    public static func region(_ text: String, contigs: ContigTable) throws -> GenomicRegion {
        do {
            return try RegionSyntax.parse(text, contigs: contigs)
        } catch let error as GenomeIOError where error.message.contains("unknown contig") && !error.message.contains("known:") {
            throw GenomeIOError(error.kind, "\(error.message) (the index has \(names(contigs)))")
        }
    }

    /// The contig names, the first ten when there are more.
    static func names(_ contigs: ContigTable) -> String {
        let shown = contigs.contigs.prefix(10).map(\.name).joined(separator: ", ")
        return contigs.count > 10 ? "\(shown), … (\(contigs.count) contigs)" : shown
    }

    /// Whether the file starts as safetensors does: an 8-byte header length, then a JSON object.
    private static func looksLikeSafetensors(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return true }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 9)) ?? Data()
        return start.count == 9 && start[start.startIndex + 8] == UInt8(ascii: "{")
    }
}
