// The pipeline's stages come with it: `import Pipeline` is enough to open a genome (GenomeIO), load a model (Model),
// choose an explanation method (Explain) and read the arrays and tracks (Tracks) or motifs (Motifs) it writes.
@_exported import Encoding
@_exported import Explain
@_exported import GenomeIO
@_exported import Model
@_exported import Motifs
@_exported import Tracks
