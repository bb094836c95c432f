using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;
using MlNetDeep.Engine.Tests.Support;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Workouts;

/// <summary>
/// The layer workout (Keras' run_layer_test; STYLE lessons 8 and 10), one call per <see cref="WorkoutCase"/>:
/// <list type="bullet">
/// <item>(a) the factory returns exactly the covered type, and the output is (B, row…) in training and inference mode;</item>
/// <item>(b) the parameter count equals the case's formula;</item>
/// <item>(c) finite-difference gradient check (<see cref="GradCheck"/>: central differences, loss = Σ out ⊙ R with a random
/// R) of the input, unless it holds token ids, and of every parameter, in training mode;</item>
/// <item>(d) one SGD step on a mean-squared error lowers that error (layers with parameters);</item>
/// <item>(e) state round trip: the trained layer's <see cref="ModuleSnapshot"/> restored into a freshly built layer gives
/// the same inference output (the engine has no config object; the factory plays the config's part);</item>
/// <item>(f) engine inference equals ONNX Runtime's on the exported layer at two batch sizes.</item>
/// </list>
/// The steps run in that order on one layer, so the BatchNorm running statistics and weights that the export sees have
/// moved away from their initial values.
/// </summary>
internal static class LayerWorkout
{
    /// <summary>B of the gradient check and the training step (3: BatchNorm over 2 rows normalises every value to ±1).</summary>
    public const int TrainingBatch = 3;

    /// <summary>Batch sizes of the ONNX Runtime comparison (the exported graph has a symbolic batch axis).</summary>
    public static readonly int[] ParityBatches = [2, 3];

    /// <summary>Runs every step of the workout on <paramref name="c"/>.</summary>
    public static void Run(WorkoutCase c)
    {
        var module = c.Create();
        CheckShapes(c, module);
        CheckParameterCount(c, module);
        CheckGradients(c, module);
        CheckTrainingStepLowersLoss(c, module);
        CheckStateRoundTrip(c, module);
        CheckOnnxParity(c, module);
    }

    /// <summary>(a) Exact type, and output (B, OutputRow…) while training and at inference, for each parity batch size.</summary>
    public static void CheckShapes(WorkoutCase c, Module module)
    {
        Assert.Equal(c.LayerType, module.GetType());
        var rng = new Rng(101);
        foreach (bool training in new[] { true, false })
        {
            module.SetTraining(training);
            foreach (int batch in ParityBatches)
            {
                var tape = new Tape { IsRecording = false };
                var y = module.Forward(tape, c.Input.Generate(rng, batch));
                Assert.True(y.Shape.SequenceEqual([batch, .. c.OutputRow]),
                    $"{c.Name} (training = {training}): output [{string.Join(",", y.Shape)}], expected [{string.Join(",", new[] { batch }.Concat(c.OutputRow))}]");
                tape.Reset();
            }
        }
        module.SetTraining(true);
    }

    /// <summary>(b) <see cref="Module.ParameterCount"/> equals the formula of the case.</summary>
    public static void CheckParameterCount(WorkoutCase c, Module module) => Assert.Equal(c.ParameterCount, module.ParameterCount());

    /// <summary>
    /// (c) Central-difference check of d(Σ out ⊙ R) for the input (unless token ids) and every parameter, in training mode.
    /// A stochastic layer is rebuilt from the factory for every evaluation, so all evaluations draw the same mask.
    /// </summary>
    public static void CheckGradients(WorkoutCase c, Module module)
    {
        module.SetTraining(true);
        var x = c.Input.Generate(new Rng(202), TrainingBatch);
        Tensor[] checkedTensors = c.Input.IsTokens ? [.. module.Parameters()] : [x, .. module.Parameters()];
        if (checkedTensors.Length == 0) return; // token ids in, no parameters: nothing is differentiable (TokenDropout)
        Func<Tape, Tensor> forward = t => module.Forward(t, x);
        if (c.Stochastic)
        {
            Assert.True(module.ParameterCount() == 0, $"{c.Name}: a stochastic case must have no parameters (a fresh layer per evaluation would not share them).");
            forward = t =>
            {
                var fresh = c.Create();
                fresh.SetTraining(true);
                return fresh.Forward(t, x);
            };
        }
        GradCheck.Check(forward, checkedTensors, seed: 303, step: c.Step, atol: c.GradientAtol, rtol: c.GradientRtol);
        Parameter.ZeroGrad(module.Parameters());
    }

    /// <summary>(d) One SGD step (lr 0.01) on the mean squared error to a random target lowers that error.</summary>
    public static void CheckTrainingStepLowersLoss(WorkoutCase c, Module module)
    {
        if (module.ParameterCount() == 0) return;
        module.SetTraining(true);
        var rng = new Rng(404);
        var x = c.Input.Generate(rng, TrainingBatch);
        var target = GradCheck.Random(rng, 0.1f, 1f, [TrainingBatch, .. c.OutputRow]);
        var before = module.Parameters().Select(p => p.Span.ToArray()).ToArray();

        var optimizer = new Sgd(module.Parameters(), learningRate: 0.01f);
        optimizer.ZeroGrad();
        var tape = new Tape();
        var loss = Ops.MseLoss(tape, module.Forward(tape, x), target);
        float lossBefore = loss.Span[0];
        tape.Backward(loss);
        optimizer.Step();
        tape.Reset();
        optimizer.ZeroGrad();

        var evaluation = new Tape { IsRecording = false };
        float lossAfter = Ops.MseLoss(evaluation, module.Forward(evaluation, x), target).Span[0];
        evaluation.Reset();
        Assert.True(float.IsFinite(lossBefore) && lossAfter < lossBefore, $"{c.Name}: loss {lossBefore:G6} → {lossAfter:G6} after one step");
        Assert.Contains(module.Parameters().Zip(before), pair => !pair.First.Span.SequenceEqual(pair.Second));
    }

    /// <summary>
    /// (e) State round trip: a layer built by the factory, then given the trained layer's parameters and buffers through
    /// <see cref="ModuleSnapshot"/> (what early stopping does), computes the trained layer's inference output bit for bit.
    /// </summary>
    public static void CheckStateRoundTrip(WorkoutCase c, Module module)
    {
        module.SetTraining(false);
        var restored = c.Create();
        restored.SetTraining(false);
        var x = c.Input.Generate(new Rng(606), TrainingBatch);
        float[] trained = Infer(module, x);
        if (module.ParameterCount() > 0)
            Assert.False(trained.AsSpan().SequenceEqual(Infer(restored, x)), $"{c.Name}: training left the output unchanged, so the round trip proves nothing");
        ModuleSnapshot.Capture(module).Restore(restored);
        Assert.Equal(trained, Infer(restored, x));
    }

    private static float[] Infer(Module module, Tensor x)
    {
        var tape = new Tape { IsRecording = false };
        float[] y = module.Forward(tape, x).Span.ToArray();
        tape.Reset();
        return y;
    }

    /// <summary>
    /// (f) Exports the layer alone (input "x", (N, row…), float or int64 ids) and compares engine inference with ONNX
    /// Runtime (optimisations off and on, <see cref="OnnxTestRunner"/>) at each of <see cref="ParityBatches"/>.
    /// A layer exported as no node (an inference identity) makes the graph output its input, of the input's type.
    /// </summary>
    public static void CheckOnnxParity(WorkoutCase c, Module module)
    {
        module.SetTraining(false);
        var graph = new OnnxGraphBuilder("workout");
        var inputType = c.Input.IsTokens ? OnnxElementType.Int64 : OnnxElementType.Float;
        string x = graph.AddInput("x", inputType, [(OnnxDim)"N", .. c.Input.Row.Select(d => (OnnxDim)d)]);
        string y = ModuleExporter.Export(graph, module, x);
        string output = graph.AddNode("Identity", [y]);
        graph.AddOutput(output, y == x ? inputType : OnnxElementType.Float);
        byte[] model = OnnxModelWriter.Write(graph);
        OnnxStructure.AssertWellFormed(model);

        var rng = new Rng(505);
        foreach (int batch in ParityBatches)
        {
            var input = c.Input.Generate(rng, batch);
            float[] engine = Infer(module, input);
            long[] dims = input.Shape.Select(d => (long)d).ToArray();
            var ortInput = c.Input.IsTokens
                ? OnnxTestInput.Int64("x", input.Span.ToArray().Select(v => (long)v).ToArray(), dims)
                : OnnxTestInput.Float("x", input.Span.ToArray(), dims);
            var result = OnnxTestRunner.RunTensors(model, ortInput)[output];
            Assert.True(result.Dims.SequenceEqual(new long[] { batch }.Concat(c.OutputRow.Select(d => (long)d))),
                $"{c.Name}: ONNX Runtime output [{string.Join(",", result.Dims)}] at batch {batch}");
            float[] ort = result.Data is long[] ids ? ids.Select(v => (float)v).ToArray() : result.Floats;
            OnnxTestRunner.AssertClose(engine, ort, c.OnnxAtol, 1e-3, $"{c.Name} at batch {batch}");
        }
    }
}
