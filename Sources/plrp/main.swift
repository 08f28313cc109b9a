import CKernels
import CPlatform
import Foundation

plrp_keep_freed_memory()
if plrp_blas_load() != 0 {
    FileHandle.standardError.write(Data("plrp: error: \(String(cString: plrp_blas_error()))\n".utf8))
    exit(1)
}

Interruption.install()

// Parse, run, and turn every failure into one `plrp: error:` line and exit code 1 (bad data) or 2 (bad usage).
exit(Failure.run(Plrp.self))
