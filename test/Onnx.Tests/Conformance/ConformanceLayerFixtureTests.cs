using MlNetDeep.Onnx.Tests.Support;
using MlNetDeep.Onnx.Tests.Support.Conformance;

namespace MlNetDeep.Onnx.Tests.Conformance;

/// <summary>
/// Fixture decoding for the upcoming CNN and RNN layers: each case is decoded into <see cref="ConvCase"/>,
/// <see cref="PoolCase"/> or <see cref="RnnCase"/> and the plain <see cref="ConformanceReference"/> reproduces the
/// expected output from the decoded parameters. The engine tests of those layers then only replace the reference
/// call with the engine op, keeping these case lists.
/// </summary>
public class ConformanceLayerFixtureTests
{
    [Theory]
    [InlineData("test_basic_conv_with_padding")]
    [InlineData("test_basic_conv_without_padding")]
    [InlineData("test_conv_with_strides_padding")]
    [InlineData("test_conv_with_strides_no_padding")]
    [InlineData("test_conv_with_strides_and_asymmetric_padding")]
    public void Conv(string name)
    {
        var p = ConvCase.Load(name);
        (float[] y, int[] shape) = ConformanceReference.Conv(p);
        p.Case.AssertOutputClose(0, y, shape);
    }

    [Theory]
    [InlineData("test_maxpool_1d_default")]
    [InlineData("test_maxpool_2d_default")]
    [InlineData("test_maxpool_2d_pads")]
    [InlineData("test_maxpool_2d_strides")]
    [InlineData("test_maxpool_2d_precomputed_pads")]
    [InlineData("test_maxpool_2d_precomputed_strides")]
    [InlineData("test_maxpool_2d_dilations")]
    [InlineData("test_maxpool_2d_ceil")]
    [InlineData("test_averagepool_1d_default")]
    [InlineData("test_averagepool_2d_default")]
    [InlineData("test_averagepool_2d_pads")]
    [InlineData("test_averagepool_2d_strides")]
    [InlineData("test_averagepool_2d_pads_count_include_pad")]
    [InlineData("test_averagepool_2d_precomputed_pads")]
    [InlineData("test_averagepool_2d_precomputed_pads_count_include_pad")]
    [InlineData("test_averagepool_2d_precomputed_strides")]
    [InlineData("test_averagepool_2d_ceil")]
    [InlineData("test_globalaveragepool")]
    [InlineData("test_globalaveragepool_precomputed")]
    public void Pool(string name)
    {
        var p = PoolCase.Load(name);
        (float[] y, int[] shape) = ConformanceReference.Pool(p);
        p.Case.AssertOutputClose(0, y, shape);
    }

    [Theory]
    [InlineData("test_lstm_defaults")]
    [InlineData("test_lstm_with_initial_bias")]
    [InlineData("test_gru_defaults")]
    [InlineData("test_gru_seq_length")]
    [InlineData("test_gru_with_initial_bias")]
    [InlineData("test_simple_rnn_defaults")]
    [InlineData("test_simple_rnn_with_initial_bias")]
    [InlineData("test_rnn_seq_length")]
    public void Recurrent(string name)
    {
        var p = RnnCase.Load(name);
        (float[] y, float[] yh, float[]? yc) = ConformanceReference.Rnn(p);
        int[] stateShape = [1, p.Batch, p.HiddenSize];
        Assert.True(p.ExpectedY is not null || p.ExpectedYh is not null, $"{name} provides neither Y nor Y_h");
        if (p.ExpectedY is { } ey) OnnxTestRunner.AssertClose(ey.Floats, y, 1e-5, 1e-4, $"{name} Y");
        if (p.ExpectedYh is { } eh)
        {
            Assert.Equal(stateShape, eh.Shape);
            OnnxTestRunner.AssertClose(eh.Floats, yh, 1e-5, 1e-4, $"{name} Y_h");
        }

        if (p.ExpectedYc is { } ec) OnnxTestRunner.AssertClose(ec.Floats, yc!, 1e-5, 1e-4, $"{name} Y_c");
    }
}
