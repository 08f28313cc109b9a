import ArgumentParser
import Pipeline

/// The root of the command tree; each subcommand lives in `Commands/`.
struct Plrp: ParsableCommand {
    static let version = plrpVersion

    static let configuration = CommandConfiguration(
        commandName: "plrp",
        abstract: "Explain DNA convolutional networks at genome scale with pruned layer-wise relevance propagation.",
        version: version,
        subcommands: [Run.self, Query.self, Merge.self, Encode.self, Predict.self, ExplainCommand.self, MotifsCommand.self, Evaluate.self, Simulate.self, Train.self, ModelCommand.self]
    )
}
