using System.Numerics.Tensors;

namespace MlNetDeep.Engine.Optimizers;

/// <summary>Gradient clipping applied between backward and the optimiser step.</summary>
internal static class GradientClipping
{
    /// <summary>
    /// Scales all gradients by maxNorm / ‖g‖ when the global L2 norm ‖g‖ over every parameter exceeds
    /// <paramref name="maxNorm"/> (PyTorch's clip_grad_norm_). Returns the norm before clipping.
    /// </summary>
    /// <param name="parameters">Tensors whose gradients to clip.</param>
    /// <param name="maxNorm">Largest allowed global norm, positive.</param>
    public static float ClipByGlobalNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        if (!(maxNorm > 0f)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "Must be positive.");
        double sq = 0;
        foreach (var p in parameters)
            if (p.Grad is { } g) { double n = TensorPrimitives.Norm(g.Span); sq += n * n; }
        float norm = (float)Math.Sqrt(sq);
        if (norm > maxNorm)
        {
            float scale = maxNorm / (norm + 1e-6f);
            foreach (var p in parameters)
                if (p.Grad is { } g) TensorPrimitives.Multiply(g.Span, scale, g.Span);
        }
        return norm;
    }

    /// <summary>Clamps every gradient element to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>].</summary>
    /// <param name="parameters">Tensors whose gradients to clip.</param>
    /// <param name="clipValue">Positive bound.</param>
    public static void ClipByValue(IEnumerable<Tensor> parameters, float clipValue)
    {
        if (!(clipValue > 0f)) throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "Must be positive.");
        foreach (var p in parameters)
            if (p.Grad is { } g) TensorPrimitives.Clamp(g.Span, -clipValue, clipValue, g.Span);
    }
}
