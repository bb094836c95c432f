using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Bench.Cases;

/// <summary>The protocol's classification training step: zero grad → forward (train mode) → mean CE → backward → [clip] → step.</summary>
internal sealed class TrainingStep(Module model, Optimizer optimizer, Tensor x, int[] labels, float clipNorm = 0f)
{
    private readonly Tape _tape = new();

    /// <summary>Loss of the most recent step.</summary>
    public float LastLoss { get; private set; }

    public void Run()
    {
        optimizer.ZeroGrad();
        var loss = Ops.SoftmaxCrossEntropy(_tape, model.Forward(_tape, x), labels);
        _tape.Backward(loss);
        if (clipNorm > 0f) GradientClipping.ClipByGlobalNorm(optimizer.Parameters, clipNorm);
        optimizer.Step();
        LastLoss = loss.Span[0];
        _tape.Reset();
    }
}
