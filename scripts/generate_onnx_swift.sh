#!/usr/bin/env bash
# Regenerates Sources/Model/ONNX/onnx.pb.swift from onnx.proto (PyPI's onnx wheel) with protoc (Debian's
# protobuf-compiler) and protoc-gen-swift built from swift-protobuf at the version Package.swift uses.
# Run once when either version changes; the generated file is committed so builds never need protoc.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
onnx_version=1.23.2
swift_protobuf_version=1.39.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v protoc >/dev/null || apt-get install -y protobuf-compiler
pip download --no-deps -q -d "$work" "onnx==$onnx_version"
(cd "$work" && python3 -m zipfile -e onnx-*.whl wheel && cp wheel/onnx/onnx.proto .)
git clone -q --branch "$swift_protobuf_version" https://github.com/apple/swift-protobuf "$work/swift-protobuf"
(cd "$work/swift-protobuf" && swift build -c release --product protoc-gen-swift)
protoc --plugin=protoc-gen-swift="$work/swift-protobuf/.build/release/protoc-gen-swift" \
  --swift_opt=Visibility=Internal --swift_out="$top/Sources/Model/ONNX" -I "$work" "$work/onnx.proto"
echo "wrote Sources/Model/ONNX/onnx.pb.swift (onnx $onnx_version, swift-protobuf $swift_protobuf_version)"
