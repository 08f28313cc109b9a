import ArgumentParser
import Pipeline

/// `plrp predict`: model outputs per window.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write model outputs per window as TSV: a header 'window' then one column per scalar output, one row per window in input order.",
        discussion: "A graph model's scalar heads give one column each (HEAD, or HEAD.INDEX for a head of several values). Profile heads ([channels, length] per window) go to --profiles FILE.npz, one array per head under the head's name, rows in window order.")

    @OptionGroup var input: InputOptions

    @Option(help: "Model file (.safetensors).")
    var model: String

    @Option(name: .shortAndLong, help: "Output TSV, or - for stdout.")
    var out: String = "-"

    @Flag(help: "Apply the model's output activation (sigmoid or softmax) instead of writing logits.")
    var probabilities = false

    @Option(help: "Write each profile head's logits [N, C, L'] to this .npz, under the head's name.")
    var profiles: String?

    @Option(help: "Windows per forward pass.")
    var batchSize: Int = 256

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
    }

    func run() throws {
        var job = PredictJob(input: input.inputDescription, model: model)
        job.probabilities = probabilities
        job.profiles = profiles
        job.batchSize = batchSize
        job.threads = input.threads
        Interruption.watch(out)
        if let profiles { Interruption.watch(profiles) }
        try job.run(out: out)
    }
}
