import Encoding
import Foundation
import GenomeIO
import Model

/// Labelled training sequences before encoding: names, bases back to back, labels row by row.
public struct LabelledSequences: Sendable {
    public var tasks: [String]
    public var length: Int
    public var names: [String] = []
    public var bases: [UInt8] = []
    public var labels: [Float] = []

    public init(tasks: [String], length: Int) {
        self.tasks = tasks
        self.length = length
    }

    public var count: Int { names.count }

    public mutating func append(name: String, bases more: [UInt8], labels row: [Float]) {
        names.append(name)
        bases.append(contentsOf: more)
        labels.append(contentsOf: row)
    }

    /// The one-hot training set of the examples at `indices`; `path` names the input in errors.
    public func encoded(_ indices: [Int], path: String) throws -> TrainingSet {
        var chosen: [UInt8] = []
        chosen.reserveCapacity(indices.count * length)
        var rows: [Float] = []
        for i in indices {
            chosen.append(contentsOf: bases[(i * length)..<((i + 1) * length)])
            rows.append(contentsOf: labels[(i * tasks.count)..<((i + 1) * tasks.count)])
        }
        var values: [Float] = []
        if let bad = OneHotEncoder().encode(chosen, count: indices.count, length: length, appendingTo: &values) {
            throw PipelineError.data("'\(path)': invalid sequence character in '\(names[indices[bad / length]])' at offset \(bad % length)")
        }
        return TrainingSet(inputs: Tensor(shape: [indices.count, 4, length], values: values), labels: rows, tasks: tasks.count)
    }
}

/// The examples `plrp train` fits: labelled records, or windows of a genome (positives, and given or sampled
/// negatives), optionally with shuffled negatives, split into training and validation sets.
public enum TrainingExamples {
    /// Records of `sequences` labelled by the TSV `labels`: every record must be labelled, all of one length.
    public static func fromRecords(_ sequences: String, labels: String) throws -> LabelledSequences {
        let table = try LabelTable(path: labels)
        let records = try FastaRecords(path: sequences)
        var result: LabelledSequences? = nil
        while let record = try records.next() {
            guard let row = table.labels(of: record.name) else {
                throw PipelineError.data("\(sequences):\(record.line): sequence '\(record.name)' has no row in '\(labels)'")
            }
            if result == nil { result = LabelledSequences(tasks: table.tasks, length: record.bases.count) }
            guard record.bases.count == result!.length else {
                throw PipelineError.data("\(sequences):\(record.line): sequence '\(record.name)' has \(record.bases.count) bases, the first has \(result!.length); training sequences must share one length")
            }
            result!.append(name: record.name, bases: record.bases, labels: Array(row))
        }
        guard let result else { throw PipelineError.data("sequences FASTA '\(sequences)' holds no records") }
        return result
    }

    /// One task: windows of `window` bases centred on each region of `positives` (its summit for narrowPeak),
    /// labelled 1, and on each of `negatives` or, without them, GC-matched background windows, labelled 0; named
    /// `chrom:start-end(+)`.
    public static func fromGenome(fasta: String, positives: String, negatives: String?, window: Int,
                                  random: inout SeededRandom) throws -> LabelledSequences {
        let genome = try FastaFile(path: fasta)
        func windows(_ path: String) throws -> [Window] {
            try RegionFile.read(path: path).map { entry in
                let (region, _) = try entry.region.validated(against: genome.contigs, origin: entry.origin)
                let centre = region.start + (region.summitOffset ?? region.length / 2)
                let start = min(max(centre - window / 2, 0), max(genome.contigs.length(of: region.contig)! - window, 0))
                return Window(contig: region.contig, start: start, end: start + window)
            }
        }
        var examples = LabelledSequences(tasks: ["positive"], length: window)
        var buffer: [UInt8] = []
        func add(_ w: Window, label: Float) throws {
            let length = genome.contigs.length(of: w.contig)!
            try genome.fetch(contig: w.contig, start: w.start, end: min(w.end, length), into: &buffer)
            buffer.append(contentsOf: repeatElement(UInt8(ascii: "N"), count: w.end - min(w.end, length)))
            examples.append(name: w.identifier(contigLength: length), bases: buffer, labels: [label])
        }
        let positiveWindows = try windows(positives)
        guard !positiveWindows.isEmpty else { throw PipelineError.data("positives '\(positives)' hold no regions") }
        var targets: [Double] = []
        for w in positiveWindows {
            try add(w, label: 1)
            targets.append(BackgroundSampler.composition(buffer[...]).gc)
        }
        if let negatives {
            for w in try windows(negatives) { try add(w, label: 0) }
        } else {
            let sampler = BackgroundSampler(fasta: genome, length: window, avoid: positiveWindows)
            for (w, bases) in try sampler.sample(matching: targets, using: &random) {
                examples.append(name: w.identifier(contigLength: genome.contigs.length(of: w.contig)!), bases: bases, labels: [0])
            }
        }
        return examples
    }

    /// `count` dinucleotide-shuffled copies of every positive, labelled 0, named `<name>|shuffle<k>`.
    public static func addingShuffledNegatives(_ examples: LabelledSequences, count: Int,
                                               random: inout SeededRandom) throws -> LabelledSequences {
        guard count > 0 else { return examples }
        guard examples.tasks.count == 1 else { throw PipelineError.usage("--shuffled-negatives needs single-task labels") }
        var result = examples
        for i in 0..<examples.count where examples.labels[i] == 1 {
            let bases = Array(examples.bases[(i * examples.length)..<((i + 1) * examples.length)])
            for k in 0..<count {
                result.append(name: "\(examples.names[i])|shuffle\(k)", bases: DinucleotideShuffle.shuffle(bases, using: &random), labels: [0])
            }
        }
        return result
    }

    /// Training and validation sets: the examples whose name starts with `holdout`, or a seeded random
    /// `validationFraction`; `path` names the input in errors.
    public static func split(_ examples: LabelledSequences, holdout: String?, validationFraction: Double,
                             random: inout SeededRandom, path: String) throws -> (TrainingSet, TrainingSet) {
        var trainingIndices: [Int] = [], validationIndices: [Int] = []
        if let holdout {
            for i in 0..<examples.count {
                if examples.names[i].hasPrefix(holdout) { validationIndices.append(i) } else { trainingIndices.append(i) }
            }
        } else {
            var order = Array(0..<examples.count)
            random.shuffle(&order)
            let cut = max(1, Int((Double(order.count) * validationFraction).rounded()))
            validationIndices = Array(order[..<cut]).sorted()
            trainingIndices = Array(order[cut...]).sorted()
        }
        guard !validationIndices.isEmpty else { throw PipelineError.data("no example name starts with --holdout '\(holdout ?? "")'") }
        guard !trainingIndices.isEmpty else { throw PipelineError.data("every example is in the validation set; nothing left to train on") }
        return (try examples.encoded(trainingIndices, path: path), try examples.encoded(validationIndices, path: path))
    }
}
