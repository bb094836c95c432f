#!/usr/bin/env bash
# Extracts a small subset of the ONNX operator conformance cases from Debian's libonnx-testdata package
# into test/data/onnx-conformance/<case>/ (model.onnx + test_data_set_0/*.pb), and rewrites
# ATTRIBUTION.md and LICENSE there. Idempotent: each listed case folder is replaced, and case folders that
# are no longer listed are removed. Needs apt-get and dpkg (Debian); the committed data is what the tests use,
# so CI never runs this script.
#
# Usage: scripts/fetch-onnx-conformance.sh            # download the .deb with apt-get
#        ONNX_TESTDATA_DEB=/path/to.deb scripts/...   # use a .deb already on disk
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dest="$repo/test/data/onnx-conformance"
package=libonnx-testdata
expected_version=1.12.0-2
max_case_bytes=204800   # skip any single case over ~200 KB

# Keep this list in sync with test/data/onnx-conformance/README.md (which says which tests use which case).
cases=(
  # activations (tested now)
  test_relu
  test_sigmoid test_sigmoid_example
  test_tanh test_tanh_example
  test_leakyrelu test_leakyrelu_default test_leakyrelu_example
  # softmax / log softmax, opset 13 (tested now when the axis is the last one)
  test_softmax_axis_0 test_softmax_axis_1 test_softmax_axis_2 test_softmax_default_axis
  test_softmax_negative_axis test_softmax_example test_softmax_large_number
  test_logsoftmax_axis_0 test_logsoftmax_axis_1 test_logsoftmax_axis_2 test_logsoftmax_default_axis
  test_logsoftmax_negative_axis test_logsoftmax_example_1 test_logsoftmax_large_number
  # gemm (tested now via Ops.Linear when the case fits)
  test_gemm_default_no_bias test_gemm_default_vector_bias test_gemm_default_matrix_bias
  test_gemm_default_scalar_bias test_gemm_default_single_elem_vector_bias test_gemm_default_zero_bias
  test_gemm_transposeA test_gemm_transposeB test_gemm_alpha test_gemm_beta test_gemm_all_attributes
  # batch normalisation, inference (tested now)
  test_batchnorm_epsilon test_batchnorm_example
  # shape / indexing ops (kept for upcoming engine ops)
  test_flatten_axis0 test_flatten_axis1 test_flatten_axis2 test_flatten_axis3 test_flatten_default_axis
  test_flatten_negative_axis1 test_flatten_negative_axis2 test_flatten_negative_axis3 test_flatten_negative_axis4
  test_add test_add_bcast
  test_concat_1d_axis_0 test_concat_1d_axis_negative_1
  test_concat_2d_axis_0 test_concat_2d_axis_1 test_concat_2d_axis_negative_1 test_concat_2d_axis_negative_2
  test_concat_3d_axis_0 test_concat_3d_axis_1 test_concat_3d_axis_2
  test_concat_3d_axis_negative_1 test_concat_3d_axis_negative_2 test_concat_3d_axis_negative_3
  test_transpose_default
  test_transpose_all_permutations_0 test_transpose_all_permutations_1 test_transpose_all_permutations_2
  test_transpose_all_permutations_3 test_transpose_all_permutations_4 test_transpose_all_permutations_5
  test_gather_0 test_gather_1 test_gather_2d_indices test_gather_negative_indices
  # convolution (CNN work; explicit pads only, no auto_pad, no ConvTranspose)
  test_basic_conv_with_padding test_basic_conv_without_padding
  test_conv_with_strides_padding test_conv_with_strides_no_padding test_conv_with_strides_and_asymmetric_padding
  # pooling (CNN work; explicit pads only, no auto_pad)
  test_maxpool_1d_default test_maxpool_2d_default test_maxpool_2d_pads test_maxpool_2d_strides
  test_maxpool_2d_precomputed_pads test_maxpool_2d_precomputed_strides test_maxpool_2d_dilations test_maxpool_2d_ceil
  test_averagepool_1d_default test_averagepool_2d_default test_averagepool_2d_pads test_averagepool_2d_strides
  test_averagepool_2d_pads_count_include_pad test_averagepool_2d_precomputed_pads
  test_averagepool_2d_precomputed_pads_count_include_pad test_averagepool_2d_precomputed_strides test_averagepool_2d_ceil
  test_globalaveragepool test_globalaveragepool_precomputed
  # recurrent (RNN work; layout = 0, no peepholes)
  test_lstm_defaults test_lstm_with_initial_bias
  test_gru_defaults test_gru_seq_length test_gru_with_initial_bias
  test_simple_rnn_defaults test_simple_rnn_with_initial_bias test_rnn_seq_length
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"   # lets apt's unprivileged _apt user write the download when run as root

deb=${ONNX_TESTDATA_DEB:-}
if [ -z "$deb" ]; then
  if ! (cd "$tmp" && apt-get download "$package" >/dev/null 2>&1); then
    echo "apt-get download failed; running apt-get update and retrying" >&2
    apt-get update >/dev/null
    (cd "$tmp" && apt-get download "$package")
  fi
  deb=$(ls "$tmp"/"$package"_*.deb)
fi
version=$(dpkg-deb -f "$deb" Version)
if [ "$version" != "$expected_version" ]; then
  echo "warning: $package is $version, the committed data and ATTRIBUTION.md name $expected_version" >&2
fi
dpkg -x "$deb" "$tmp/x"
src="$tmp/x/usr/share/libonnx-testdata/data/node"

mkdir -p "$dest"
# Remove case folders that are no longer listed.
for dir in "$dest"/test_*/; do
  [ -d "$dir" ] || continue
  name=$(basename "$dir")
  if ! printf '%s\n' "${cases[@]}" | grep -qxF "$name"; then rm -rf "$dir"; echo "removed $name"; fi
done

kept=()
for c in "${cases[@]}"; do
  if [ ! -f "$src/$c/model.onnx" ] || [ ! -d "$src/$c/test_data_set_0" ]; then
    echo "skip $c: not in $package $version" >&2; rm -rf "${dest:?}/$c"; continue
  fi
  bytes=$(cat "$src/$c/model.onnx" "$src/$c"/test_data_set_0/* | wc -c)
  if [ "$bytes" -gt "$max_case_bytes" ]; then
    echo "skip $c: $bytes bytes" >&2; rm -rf "${dest:?}/$c"; continue
  fi
  rm -rf "${dest:?}/$c"
  mkdir -p "$dest/$c/test_data_set_0"
  cp "$src/$c/model.onnx" "$dest/$c/"
  cp "$src/$c"/test_data_set_0/*.pb "$dest/$c/test_data_set_0/"
  kept+=("$c")
done

total=$(cat "$dest"/test_*/model.onnx "$dest"/test_*/test_data_set_0/*.pb | wc -c)

cat > "$dest/LICENSE" <<'LICENSE'
The test_* folders in this directory (model.onnx and test_data_set_0/*.pb) come from the ONNX project's
operator conformance tests (onnx/backend/test/data/node) as shipped by Debian's libonnx-testdata package.

Copyright (c) Facebook, Inc., Microsoft Corporation, and ONNX Project Contributors.

MIT License (Expat)

Permission is hereby granted, free of charge, to any person obtaining a
copy of this software and associated documentation files (the "Software"),
to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense,
and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included
in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS
OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.
IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY
CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,
TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
LICENSE

{
  echo "# Attribution"
  echo
  echo "Generated by \`scripts/fetch-onnx-conformance.sh\`; do not edit by hand."
  echo
  echo "- Source: the ONNX project's operator conformance test data (\`onnx/backend/test/data/node\`)."
  echo "- Package: Debian \`$package\`, version \`$version\` (source package \`onnx\`), path"
  echo "  \`/usr/share/libonnx-testdata/data/node/<case>/\`."
  echo "- Copyright: Facebook, Inc., Microsoft Corporation, ONNX Project Contributors."
  echo "- Licence: MIT (Expat), full text in [LICENSE](LICENSE)."
  echo "- Copied unchanged per case: \`model.onnx\` and \`test_data_set_0/*.pb\` (serialized onnx TensorProto)."
  echo "- ${#kept[@]} cases, $total bytes in total:"
  echo
  for c in "${kept[@]}"; do echo "  - $c"; done
} > "$dest/ATTRIBUTION.md"

echo "copied ${#kept[@]} cases ($total bytes) from $package $version into $dest"
