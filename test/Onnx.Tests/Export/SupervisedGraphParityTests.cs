using MlNetDeep.Engine.Preprocessing;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>Whole scoring graphs (standardisation, or none, + network + head) against the engine.</summary>
public class SupervisedGraphParityTests
{
    private static readonly ModelDescription Description = new("regression", new Dictionary<string, string>());
    private static readonly FeaturePreprocessing Standard = new([1f, -2f, 0.5f, 3f], [2f, 0.5f, 1f, 4f]);

    private static float[] Standardise(float[] x)
    {
        var s = new float[x.Length];
        for (int i = 0; i < x.Length; i++) s[i] = (x[i] - Standard.Mean[i % 4]) / Standard.Std[i % 4];
        return s;
    }

    private static float[] Random(int n, int seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => (float)rng.NextGaussian() * 3f).ToArray();
    }

    [Fact]
    public void ClassifierScoresAreSoftmaxOfEngineLogitsAndIndexIsArgMax()
    {
        var net = Mlp.Build(new MlpArchitecture(4, [6], 3, ActivationKind.Tanh), new Rng(2));
        net.SetTraining(false);
        var description = new ModelDescription("classification", new Dictionary<string, string>());
        byte[] model = SupervisedGraph.Classifier(net, new DenseGraphInput("Features", 4, Standard), 3, "Score", "PredictedIndex", description);
        var proto = OnnxStructure.AssertWellFormed(model);
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal(17, proto.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.Contains(proto.MetadataProps, p => p.Key == "mlnetdeep.task" && p.Value == "classification");

        foreach (int n in new[] { 1, 5 })
        {
            float[] x = Random(n * 4, n);
            var tape = new Tape { IsRecording = false };
            var logits = net.Forward(tape, Tensor.FromArray(Standardise(x), n, 4));
            var probabilities = Ops.Softmax(tape, logits).Span.ToArray();
            var outputs = OnnxTestRunner.RunTensors(model, OnnxTestInput.Float("Features", x, n, 4));
            Assert.Equal([n, 3L], outputs["Score"].Dims);
            OnnxTestRunner.AssertClose(probabilities, outputs["Score"].Floats);
            Assert.Equal([n, 1L], outputs["PredictedIndex"].Dims);
            for (int r = 0; r < n; r++)
            {
                var row = logits.Span.Slice(r * 3, 3).ToArray();
                Assert.Equal(Array.IndexOf(row, row.Max()), outputs["PredictedIndex"].Int64s[r]);
            }
        }
    }

    [Fact]
    public void RegressorUndoesLabelStandardisation()
    {
        var net = Mlp.Build(new MlpArchitecture(4, [5], 1, ActivationKind.Sigmoid), new Rng(3));
        net.SetTraining(false);
        byte[] model = SupervisedGraph.Regressor(net, new DenseGraphInput("Features", 4, Standard), labelMean: 10f, labelStd: 2.5f,
            "Score", Description);
        OnnxStructure.AssertWellFormed(model);
        foreach (int n in new[] { 1, 6 })
        {
            float[] x = Random(n * 4, 10 + n);
            var engine = net.Forward(new Tape { IsRecording = false }, Tensor.FromArray(Standardise(x), n, 4)).Span.ToArray()
                .Select(v => v * 2.5f + 10f).ToArray();
            var score = OnnxTestRunner.Run(model, ("Features", x, [n, 4]))["Score"];
            Assert.Equal([n, 1L], score.dims);
            OnnxTestRunner.AssertClose(engine, score.values);
        }
    }

    [Fact]
    public void WithoutPreprocessingTheNetworkReadsTheRawFeatures()
    {
        // FeatureScaling.None: no Sub/Div between the graph input and the network; the engine on raw rows gives ORT's scores.
        var net = Mlp.Build(new MlpArchitecture(4, [6], 3, ActivationKind.Relu), new Rng(5));
        net.SetTraining(false);
        var description = new ModelDescription("classification", new Dictionary<string, string>());
        byte[] model = SupervisedGraph.Classifier(net, new DenseGraphInput("Features", 4, null), 3, "Score", "PredictedIndex", description);
        var proto = OnnxStructure.AssertWellFormed(model);
        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType is "Sub" or "Div");
        Assert.Contains(proto.Graph.Node, n => n.Input.Contains("Features"));
        Assert.Empty(OnnxStructure.UnusedNodeOutputs(proto));
        foreach (int n in new[] { 1, 5 })
        {
            float[] x = Random(n * 4, 30 + n);
            var tape = new Tape { IsRecording = false };
            var probabilities = Ops.Softmax(tape, net.Forward(tape, Tensor.FromArray(x, n, 4))).Span.ToArray();
            var outputs = OnnxTestRunner.RunTensors(model, OnnxTestInput.Float("Features", x, n, 4));
            OnnxTestRunner.AssertClose(probabilities, outputs["Score"].Floats);
        }

        // Control: the same network behind the standardisation scores the raw rows differently, so the check above can fail.
        byte[] standardised = SupervisedGraph.Classifier(net, new DenseGraphInput("Features", 4, Standard), 3, "Score", "PredictedIndex", description);
        Assert.Contains(OnnxStructure.Parse(standardised).Graph.Node, n => n.OpType == "Sub");
        Assert.Contains(OnnxStructure.Parse(standardised).Graph.Node, n => n.OpType == "Div");
        float[] rows = Random(5 * 4, 35);
        var raw = OnnxTestRunner.RunTensors(model, OnnxTestInput.Float("Features", rows, 5, 4))["Score"].Floats;
        var scaled = OnnxTestRunner.RunTensors(standardised, OnnxTestInput.Float("Features", rows, 5, 4))["Score"].Floats;
        Assert.True(raw.Zip(scaled).Max(p => Math.Abs(p.First - p.Second)) > 1e-2f);
    }

    [Fact]
    public void RegressorWithoutFeaturePreprocessingStillUndoesLabelStandardisation()
    {
        var net = Mlp.Build(new MlpArchitecture(4, [5], 1, ActivationKind.Tanh), new Rng(6));
        net.SetTraining(false);
        byte[] model = SupervisedGraph.Regressor(net, new DenseGraphInput("Features", 4, null), labelMean: -3f, labelStd: 0.5f, "Score", Description);
        var proto = OnnxStructure.AssertWellFormed(model);
        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType is "Sub" or "Div");
        foreach (int n in new[] { 1, 6 })
        {
            float[] x = Random(n * 4, 40 + n);
            var engine = net.Forward(new Tape { IsRecording = false }, Tensor.FromArray(x, n, 4)).Span.ToArray()
                .Select(v => v * 0.5f - 3f).ToArray();
            var score = OnnxTestRunner.Run(model, ("Features", x, [n, 4]))["Score"];
            OnnxTestRunner.AssertClose(engine, score.values);
        }
    }

    [Fact]
    public void RelativeWindowsSubtractTheLastStepAndAddItsLevelBack()
    {
        // Rows of T = 2 steps × F = 2 values; the trainer subtracts the last step, standardises, and the graph adds the level.
        var net = Mlp.Build(new MlpArchitecture(4, [5], 1, ActivationKind.Tanh), new Rng(8));
        net.SetTraining(false);
        var input = new DenseGraphInput("Features", 4, Standard with { RelativeStepSize = 2 });
        byte[] model = SupervisedGraph.Regressor(net, input, labelMean: 1f, labelStd: 3f, "Score", Description);
        OnnxStructure.AssertWellFormed(model);
        foreach (int n in new[] { 1, 4 })
        {
            float[] x = Random(n * 4, 20 + n);
            var relative = (float[])x.Clone();
            var levels = new float[n];
            for (int r = 0; r < n; r++)
            {
                float a = x[r * 4 + 2], b = x[r * 4 + 3]; // the last step
                for (int j = 0; j < 4; j++) relative[r * 4 + j] -= j % 2 == 0 ? a : b;
                levels[r] = a;
            }
            var engine = net.Forward(new Tape { IsRecording = false }, Tensor.FromArray(Standardise(relative), n, 4)).Span.ToArray()
                .Select((v, r) => v * 3f + 1f + levels[r]).ToArray();
            var score = OnnxTestRunner.Run(model, ("Features", x, [n, 4]))["Score"];
            OnnxTestRunner.AssertClose(engine, score.values);
        }
    }

    [Fact]
    public void NonFiniteRowsScoreNaNAndPredictIndexMinusOneWhileOtherRowsAreUnchanged()
    {
        var net = Mlp.Build(new MlpArchitecture(4, [6], 3, ActivationKind.Relu), new Rng(5));
        net.SetTraining(false);
        var description = new ModelDescription("classification", new Dictionary<string, string>());
        byte[] classifier = SupervisedGraph.Classifier(net, new DenseGraphInput("Features", 4, Standard), 3, "Score", "PredictedIndex", description);
        var regressionNet = Mlp.Build(new MlpArchitecture(4, [6], 1, ActivationKind.Relu), new Rng(6));
        regressionNet.SetTraining(false);
        byte[] regressor = SupervisedGraph.Regressor(regressionNet, new DenseGraphInput("Features", 4, Standard), 1f, 2f, "Score", Description);
        // Rows: finite, NaN, +∞, −∞ (in one slot each), finite.
        float[] x = Random(5 * 4, 7);
        x[1 * 4 + 2] = float.NaN;
        x[2 * 4 + 0] = float.PositiveInfinity;
        x[3 * 4 + 3] = float.NegativeInfinity;
        var tape = new Tape { IsRecording = false };
        var logits = net.Forward(tape, Tensor.FromArray(Standardise(x), 5, 4));
        var probabilities = Ops.Softmax(tape, logits).Span.ToArray();
        var outputs = OnnxTestRunner.RunTensors(classifier, OnnxTestInput.Float("Features", x, 5, 4));
        float[] scores = outputs["Score"].Floats;
        long[] index = outputs["PredictedIndex"].Int64s;
        float[] regression = OnnxTestRunner.Run(regressor, ("Features", x, [5, 4]))["Score"].values;
        foreach (int r in new[] { 1, 2, 3 })
        {
            Assert.All(scores.Skip(r * 3).Take(3), v => Assert.True(float.IsNaN(v), $"row {r}: score {v}"));
            Assert.Equal(-1L, index[r]);
            Assert.True(float.IsNaN(regression[r]), $"row {r}: regression {regression[r]}");
        }
        foreach (int r in new[] { 0, 4 })
        {
            // Finite rows: the same bits as without the check (+0 added).
            Assert.Equal(probabilities.Skip(r * 3).Take(3).ToArray(), scores.Skip(r * 3).Take(3).ToArray(), (a, b) => Math.Abs(a - b) <= 1e-5f + 1e-3f * Math.Abs(b));
            var row = logits.Span.Slice(r * 3, 3).ToArray();
            Assert.Equal(Array.IndexOf(row, row.Max()), index[r]);
            Assert.False(float.IsNaN(regression[r]));
        }
    }

    [Fact]
    public void NonFiniteImagesScoreNaNAndPredictIndexMinusOne()
    {
        var net = Mlp.Build(new MlpArchitecture(2 * 2 * 2, [4], 3, ActivationKind.Relu), new Rng(6));
        net.SetTraining(false);
        var flattened = new Sequential(new Flatten(), net);
        var description = new ModelDescription("classification", new Dictionary<string, string>());
        byte[] model = SupervisedGraph.Classifier(flattened, new ImageGraphInput("Image", 2, 2, 2, new FeaturePreprocessing([0f, 0f], [1f, 1f])), 3,
            "Score", "PredictedIndex", description);
        float[] x = Random(3 * 8, 9);
        x[1 * 8 + 5] = float.PositiveInfinity;
        var outputs = OnnxTestRunner.RunTensors(model, OnnxTestInput.Float("Image", x, 3, 2, 2, 2));
        Assert.Equal([false, true, false], outputs["PredictedIndex"].Int64s.Select(i => i == -1).ToArray());
        Assert.All(outputs["Score"].Floats.Skip(3).Take(3), v => Assert.True(float.IsNaN(v)));
        Assert.All(outputs["Score"].Floats.Take(3).Concat(outputs["Score"].Floats.Skip(6)), v => Assert.False(float.IsNaN(v)));
    }
}
