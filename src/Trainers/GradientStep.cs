using MlNetDeep.Engine;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Trainers;

/// <summary>The end of every training step: backward from the loss, clipping as the settings ask, optimiser step, tape reset.</summary>
internal static class GradientStep
{
    /// <summary>Applies one step for <paramref name="loss"/> (the optimiser's gradients must have been zeroed before the forward pass).</summary>
    /// <param name="tape">Tape that recorded the forward pass; reset here.</param>
    /// <param name="optimizer">Optimiser over the network's parameters.</param>
    /// <param name="loss">Scalar loss on <paramref name="tape"/>.</param>
    /// <param name="settings">Clipping settings.</param>
    public static void Run(Tape tape, Optimizer optimizer, Tensor loss, TrainingSettings settings)
    {
        tape.Backward(loss);
        if (settings.GradientClipValue is float clipValue) GradientClipping.ClipByValue(optimizer.Parameters, clipValue);
        if (settings.GradientClipNorm is float clip) GradientClipping.ClipByGlobalNorm(optimizer.Parameters, clip);
        optimizer.Step();
        tape.Reset();
    }
}
