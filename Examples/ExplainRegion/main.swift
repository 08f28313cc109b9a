// Explains a region of the shipped genome with PLRP-λ (p = 0.5) in memory and prints its ten most relevant bases.
// From the repository root: swift run ExplainRegion [REGION]
import Pipeline

let genome = try FastaFile(path: "data/genome/dm3_chr2R.fa.gz")
let model = "data/models/default.safetensors"
let network = try ModelFile.load(path: model)
let region = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "chr2R:1,000,001-1,003,000"

// Windows of the model's input length every 150 bp over the region, explained into memory.
let job = ExplainJob(input: .genome(genome.path, regions: [region], step: 150), model: model, method: .plrp(0.5))
let (rows, report) = try Explainer(job, network: network).collect()
print(report.summary(out: "memory"))

// Per base, the mean over the windows covering it of the relevance summed over A, C, G, T.
var relevance: [Int: (sum: Float, windows: Float)] = [:]
for row in 0..<rows.rows {
    for (i, value) in rows.baseScores(row: row).enumerated() {
        relevance[rows.places[row].start + i, default: (0, 0)].sum += value
        relevance[rows.places[row].start + i, default: (0, 0)].windows += 1
    }
}
let contig = rows.places[0].contig
for (position, r) in relevance.sorted(by: { abs($0.value.sum / $0.value.windows) > abs($1.value.sum / $1.value.windows) }).prefix(10) {
    var base: [UInt8] = []
    try genome.fetch(contig: contig, start: position, end: position + 1, into: &base)
    print("\(contig):\(position + 1)\t\(Character(UnicodeScalar(base[0])))\t\(r.sum / r.windows)")
}
