import Model
import TestSupport
import Tracks

/// One model of scripts/make_lrp_fixtures.py: the model, its input windows, the explained output, and the arrays
/// PyTorch/zennit computed for it.
struct LRPFixture {
    static let names = ["a_bn_pools", "b_stride_globalmax", "c_elu_globalavg", "d_dilated_densebn"]

    let model: Network
    let input: Tensor
    let target: Int
    private let arrays: String

    init(_ name: String) throws {
        let base = Repo.fixture("lrp/\(name)")
        model = try ModelFile.load(path: base + ".safetensors")
        arrays = base + ".npz"
        let x = try NPZReader.read(path: arrays, member: "x")
        input = Tensor(shape: x.shape, values: x.values)
        target = Int(try NPZReader.read(path: arrays, member: "target").values[0])
    }

    /// A reference array: a composite's relevance, `gradient_x_input` or `saliency`.
    func reference(_ member: String) throws -> NPZReader.Array32 { try NPZReader.read(path: arrays, member: member) }
}
