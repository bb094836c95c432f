using System.Text.Json;
using MlNetDeep.Engine.Optimizers;
using MlNetDeep.Engine.Tests.Support;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// AdamW's decoupled weight decay and the label-smoothed classification loss against PyTorch 1.13
/// (test/data/torch-training/training.json from scripts/generate-torch-training-fixtures.py): torch.optim.AdamW's
/// parameters after three steps, CrossEntropyLoss(label_smoothing)'s value and gradient.
/// </summary>
public class TorchTrainingFixtureTests
{
    private static readonly JsonElement Cases =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TorchData.Folder("torch-training"), "training.json"))).RootElement;

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    private static float[][] Rows(JsonElement e) => e.EnumerateArray().Select(Floats).ToArray();

    [Fact]
    public void AdamWithWeightDecayMatchesTorchAdamW()
    {
        var c = Cases.GetProperty("adamw");
        var p = Parameter.Create(4);
        Floats(c.GetProperty("initial")).CopyTo(p.Span);
        var adam = new Adam([p], c.GetProperty("lr").GetSingle()) { WeightDecay = c.GetProperty("weight_decay").GetSingle() };
        var grads = Rows(c.GetProperty("grads"));
        var after = Rows(c.GetProperty("after"));
        for (int step = 0; step < grads.Length; step++)
        {
            grads[step].CopyTo(p.Grad!.Span);
            adam.Step();
            for (int i = 0; i < 4; i++) Assert.Equal(after[step][i], p.Span[i], 6);
        }
    }

    [Fact]
    public void WeightDecayChangesAdamOnlyThroughTheShrink()
    {
        // Zero gradients: Adam's update is 0, so the parameters only shrink by (1 − lr·λ) per step.
        var p = Parameter.Create(2);
        p.Span[0] = 2f; p.Span[1] = -1f;
        var adam = new Adam([p], 0.1f) { WeightDecay = 0.5f };
        adam.Step();
        adam.Step();
        Assert.Equal(2f * 0.95f * 0.95f, p.Span[0], 6);
        Assert.Equal(-1f * 0.95f * 0.95f, p.Span[1], 6);
    }

    [Fact]
    public void SgdWeightDecayIsDecoupledFromMomentum()
    {
        // p ← p·(1 − lr·λ), then v ← μv + g, p ← p − lr·v (the decay never enters the velocity).
        var p = Parameter.Create(1);
        p.Span[0] = 1f;
        var sgd = new Sgd([p], 0.1f, momentum: 0.9f) { WeightDecay = 0.2f };
        p.Grad!.Span[0] = 1f;
        sgd.Step(); // 0.98 − 0.1 = 0.88
        sgd.Step(); // 0.88·0.98 − 0.1·1.9 = 0.6724
        Assert.Equal(0.6724f, p.Span[0], 6);
        Assert.Equal("WeightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => sgd.WeightDecay = -1f).ParamName);
    }

    [Fact]
    public void LabelSmoothedCrossEntropyMatchesTorch()
    {
        var c = Cases.GetProperty("label_smoothing");
        var rows = Rows(c.GetProperty("logits"));
        var logits = Tensor.FromArray([.. rows.SelectMany(r => r)], rows.Length, rows[0].Length);
        Parameter.MakeTrainable(logits);
        int[] labels = c.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var tape = new Tape();
        var loss = Ops.SoftmaxCrossEntropy(tape, logits, labels, c.GetProperty("epsilon").GetSingle());
        Assert.Equal(c.GetProperty("loss").GetSingle(), loss.Span[0], 6);
        tape.Backward(loss);
        float[] expected = [.. Rows(c.GetProperty("grad")).SelectMany(r => r)];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], logits.Grad!.Span[i], 6);
    }
}
