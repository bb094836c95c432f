using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Tests.Export;

public class RecurrentEncoderParityTests
{
    [Theory]
    [InlineData(RecurrentCellKind.Lstm, false, 1)]
    [InlineData(RecurrentCellKind.Lstm, true, 2)]
    [InlineData(RecurrentCellKind.Gru, true, 1)]
    [InlineData(RecurrentCellKind.Rnn, false, 2)]
    public void EncoderWithHeadMatchesOnnxRuntime(RecurrentCellKind cell, bool bidirectional, int layers)
    {
        var rng = new Rng(5);
        RecurrentLayer recurrent = cell switch
        {
            RecurrentCellKind.Lstm => new Lstm(3, 4, rng, layers, bidirectional),
            RecurrentCellKind.Gru => new Gru(3, 4, rng, layers, bidirectional),
            _ => new Rnn(3, 4, rng, layers, bidirectional),
        };
        var encoder = new RecurrentEncoder(recurrent, steps: 6, featuresPerStep: 3);
        var net = new Sequential(encoder, new Linear(encoder.OutputSize, 2, rng));
        // ModuleExportParityTests runs two batch sizes, ORT optimisations off and on, and decodes the file with OnnxSharp.
        ModuleExportParityTests.AssertParity(net, 18, seed: 9, atol: 1e-4);
    }
}
