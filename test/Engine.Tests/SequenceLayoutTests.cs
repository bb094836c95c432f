using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// <see cref="NetworkDefinition"/> builds runs of channels-first 1-D layers with one Permute each way and rows given flat
/// without a Reshape before a first recurrent layer; the networks compute exactly what the former trees (every 1-D layer
/// wrapped in its own Permute pair, a Reshape before everything) computed, dropout masks included.
/// </summary>
public class SequenceLayoutTests
{
    private static Tensor Sine(params int[] shape)
    {
        var x = Tensor.Zeros(shape);
        for (int i = 0; i < x.Length; i++) x.Span[i] = MathF.Sin(0.7f * i);
        return x;
    }

    private static void AssertSameOutputs(Module expected, Module actual, Tensor x)
    {
        foreach (bool training in new[] { true, false })
        {
            expected.SetTraining(training);
            actual.SetTraining(training);
            var a = expected.Forward(new Tape { IsRecording = false }, x);
            var b = actual.Forward(new Tape { IsRecording = false }, x);
            Assert.Equal(a.Shape, b.Shape);
            Assert.True(a.Span.SequenceEqual(b.Span), $"outputs differ (training: {training})");
        }
    }

    [Fact]
    public void OneDimensionalRunsPermuteOnlyWhereTheLayoutChanges()
    {
        var definition = new NetworkDefinition().Conv1d(3, 2).Relu().Dropout(0.5f).MaxPool1d(2).Lstm(3, returnSequences: true)
            .Conv1d(4, 1).GlobalMaxPool1d().Dense(2);
        var built = definition.Build([9, 2], new Rng(8));
        // Dropout reads time-first (its masks follow memory order), so the run is cut there; Conv1d → GlobalMaxPool adjacent.
        Assert.Equal(
            [typeof(Permute), typeof(Conv1d), typeof(Activation), typeof(Permute), typeof(Dropout), typeof(Permute), typeof(MaxPool1d), typeof(Permute),
                typeof(Lstm), typeof(Permute), typeof(Conv1d), typeof(GlobalMaxPool), typeof(Linear)],
            built.Children.Select(m => m.GetType()));

        // The former tree, weights drawn in the same order.
        var rng = new Rng(8);
        var former = new Sequential(
            new Sequential(new Permute(0, 2, 1), new Conv1d(2, 3, 2, rng), new Permute(0, 2, 1)), new Activation(ActivationKind.Relu), new Dropout(0.5f, rng),
            new Sequential(new Permute(0, 2, 1), new MaxPool1d(2, 2), new Permute(0, 2, 1)), new Lstm(3, 3, rng),
            new Sequential(new Permute(0, 2, 1), new Conv1d(3, 4, 1, rng), new Permute(0, 2, 1)), new Sequential(new Permute(0, 2, 1), new GlobalMaxPool()),
            new Linear(4, 2, rng));
        AssertSameOutputs(former, built, Sine(3, 9, 2));
    }

    [Fact]
    public void BranchesThatAllStartChannelsFirstSharePermuteAndOthersPermuteTheirOwn()
    {
        var shared = new NetworkDefinition().Concatenate(
            new NetworkDefinition().Relu().Conv1d(2, 2).GlobalMaxPool1d(),
            new NetworkDefinition().GlobalAveragePool1d()).Dense(1).Build([5, 3], new Rng(1));
        Assert.Equal([typeof(Permute), typeof(ParallelConcat), typeof(Linear)], shared.Children.Select(m => m.GetType()));

        var mixed = new NetworkDefinition().Concatenate(
            new NetworkDefinition().Conv1d(2, 2).GlobalMaxPool1d(),
            new NetworkDefinition().Gru(2)).Dense(1).Build([5, 3], new Rng(1));
        Assert.Equal([typeof(ParallelConcat), typeof(Linear)], mixed.Children.Select(m => m.GetType()));
        Assert.Equal([typeof(Permute), typeof(Conv1d), typeof(GlobalMaxPool)], mixed.Children[0].Children[0].Children.Select(m => m.GetType()));
        Assert.Equal([4, 1], mixed.Forward(new Tape { IsRecording = false }, Sine(4, 5, 3)).Shape);
    }

    [Fact]
    public void FlatRowsGoStraightIntoAFirstRecurrentLayer()
    {
        var definition = new NetworkDefinition().Gru(3, bidirectional: true).Dropout(0.3f).Dense(2);
        var flat = definition.BuildFromFlatRows([4, 2], new Rng(6));
        Assert.Equal([typeof(RecurrentEncoder), typeof(Dropout), typeof(Linear)], flat.Children.Select(m => m.GetType()));
        AssertSameOutputs(new Sequential(new Reshape(4, 2), definition.Build([4, 2], new Rng(6))), flat, Sine(3, 8));

        // Any other first layer reads the rows reshaped to (T, F).
        var convolution = new NetworkDefinition().Conv1d(2, 3).GlobalMaxPool1d().Dense(1);
        var reshaped = convolution.BuildFromFlatRows([4, 2], new Rng(2));
        Assert.Equal([typeof(Reshape), typeof(Permute), typeof(Conv1d), typeof(GlobalMaxPool), typeof(Linear)], reshaped.Children.Select(m => m.GetType()));
        AssertSameOutputs(new Sequential(new Reshape(4, 2), convolution.Build([4, 2], new Rng(2))), reshaped, Sine(3, 8));
    }
}
