import Foundation
import GenomeIO
import Model
import Motifs

/// Parsers of untrusted input, each fed arbitrary bytes by libFuzzer (`make fuzz`). Errors are fine; crashes, hangs
/// and unbounded allocations are not.
enum FuzzTargets {
    static let contigs = ContigTable([Contig(name: "chr2R", length: 21_146_708), Contig(name: "chr:odd", length: 1000)])

    static let all: [String: (Data) -> Void] = [
        "region": { data in _ = try? RegionSyntax.parse(String(decoding: data, as: UTF8.self), contigs: contigs) },
        "bed": { data in _ = try? RegionFile.parse(String(decoding: data, as: UTF8.self), path: "fuzz.bed", narrowPeak: false) },
        "narrowpeak": { data in _ = try? RegionFile.parse(String(decoding: data, as: UTF8.self), path: "fuzz.narrowPeak", narrowPeak: true) },
        "safetensors": { data in _ = try? ModelFile.load(data: data, path: "fuzz.safetensors") },
        // Parsed, then built as a graph (wiring, cycles, shapes) when its parameters are small enough to allocate.
        "architecture": { data in
            guard let architecture = try? Architecture(json: String(decoding: data, as: UTF8.self)) else { return }
            let weights = architecture.layers.reduce(0.0) { total, spec in
                total + Double(spec.inChannels) * Double(spec.outChannels) * Double(spec.kernelSize)
                    + Double(spec.inFeatures) * Double(spec.outFeatures) + Double(spec.numFeatures)
            }
            guard weights < 1e6, architecture.inputLength <= 4096, architecture.layers.count <= 256 else { return }
            _ = try? ModelBuilder.initialised(architecture, seed: 1)
        },
        // From memory with no folder: external data is refused, never looked for on disk.
        "onnx": { data in _ = try? ONNXImporter().importModel(data: data, path: "fuzz.onnx", externalDataFolder: nil) },
        "meme": { data in _ = try? MEMEFile.parse(String(decoding: data, as: UTF8.self), path: "fuzz.meme") },
    ]
}

#if PLRP_FUZZ
/// The target named by $PLRP_FUZZ_TARGET.
let selected: (Data) -> Void = {
    let name = ProcessInfo.processInfo.environment["PLRP_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        FileHandle.standardError.write(Data("PLRP_FUZZ_TARGET must be one of \(FuzzTargets.all.keys.sorted())\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    selected(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable's entry point under this name; hand over to libFuzzer's driver.
@_cdecl("PlrpFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { fuzzOne($0, $1) }
}
#else
/// Without the fuzzing build, replays files through a target: `plrp-fuzz TARGET FILE…` (regression runs of crashes).
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTargets.all[name] else {
            print("usage: plrp-fuzz TARGET FILE… (targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))); `make fuzz` builds the libFuzzer version")
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { print("cannot read \(path)"); exit(1) }
            target(data)
        }
        print("\(arguments.count - 1) input(s) through \(name): no crash")
    }
}
#endif
