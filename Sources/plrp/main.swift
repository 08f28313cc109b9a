import Foundation
import CPlatform

plrp_single_threaded_blas(CommandLine.unsafeArgv)
plrp_keep_freed_memory()

// Parse, run, and turn every failure into one `plrp: error:` line and exit code 1 (bad data) or 2 (bad usage).
exit(Failure.run(Plrp.self))
