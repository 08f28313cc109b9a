// swift-tools-version:6.0
import PackageDescription

// The pipeline reads left to right: GenomeIO → Encoding → (Model → Explain →) Tracks/Motifs.
// Pipeline holds the jobs that chain them; `plrp` parses options, calls Pipeline and prints.
let package = Package(
    name: "plrp",
    products: [
        .executable(name: "plrp", targets: ["plrp"]),
        .executable(name: "plrp-fuzz", targets: ["PlrpFuzz"]),
        .library(name: "GenomeIO", targets: ["GenomeIO"]),
        .library(name: "Encoding", targets: ["Encoding"]),
        .library(name: "Model", targets: ["Model"]),
        .library(name: "Explain", targets: ["Explain"]),
        .library(name: "Tracks", targets: ["Tracks"]),
        .library(name: "Motifs", targets: ["Motifs"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Pinned: Sources/Model/ONNX/onnx.pb.swift is generated for this version (scripts/generate_onnx_swift.sh).
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CHTSlib",
            pkgConfig: "htslib",
            providers: [.apt(["libhts-dev", "zlib1g-dev"])]
        ),
        // bigWig blocks are zlib streams; libdeflate (which htslib's BGZF uses too) makes them in a third of zlib's time.
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .systemLibrary(
            name: "CBigWig",
            providers: [.apt(["libbigwig-dev"])]
        ),
        .target(name: "CPlatform"),
        .target(name: "CKernels"),
        .target(name: "GenomeIO", dependencies: ["CHTSlib"]),
        .target(name: "Encoding"),
        .target(name: "Model", dependencies: ["CKernels", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "Explain", dependencies: ["Encoding", "Model"]),
        .target(name: "Tracks", dependencies: ["CHTSlib", "CBigWig", "CDeflate", "GenomeIO", "Encoding"]),
        .target(name: "Motifs", dependencies: ["GenomeIO", "Encoding", "Model", "Tracks"]),
        // The pipeline as a library: inputs, explain jobs and their sinks, motifs, runs, shard merges and queries.
        .target(name: "Pipeline", dependencies: ["GenomeIO", "Encoding", "Model", "Explain", "Tracks", "Motifs"]),
        .executableTarget(
            name: "plrp",
            dependencies: [
                "CKernels", "CPlatform", "GenomeIO", "Encoding", "Model", "Explain", "Tracks", "Motifs", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The library in twenty lines: explain a region in memory and print its most relevant bases.
        .executableTarget(name: "ExplainRegion", dependencies: ["Pipeline"], path: "Examples/ExplainRegion"),
        // Parsers of untrusted input under libFuzzer (`make fuzz` builds it with -sanitize=fuzzer -DPLRP_FUZZ); the plain
        // build replays saved inputs, which the tests use as crash regressions.
        .executableTarget(name: "PlrpFuzz", dependencies: ["GenomeIO", "Model", "Motifs"]),
        // Paths to the shipped data and the built binary, and a subprocess runner, shared by the test targets.
        .target(name: "TestSupport", dependencies: ["Model"], path: "Tests/TestSupport"),
        .testTarget(name: "GenomeIOTests", dependencies: ["GenomeIO", "TestSupport"]),
        .testTarget(name: "EncodingTests", dependencies: ["Encoding"]),
        .testTarget(name: "ModelTests", dependencies: ["CKernels", "Model", "Tracks", "TestSupport"]),
        .testTarget(name: "ExplainTests", dependencies: ["Explain", "Model", "GenomeIO", "Encoding", "Tracks", "TestSupport"]),
        .testTarget(name: "TracksTests", dependencies: ["Tracks", "GenomeIO", "TestSupport"]),
        .testTarget(name: "MotifsTests", dependencies: ["Motifs", "GenomeIO", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["GenomeIO", "Encoding", "Model", "Tracks", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
