namespace MlNetDeep.Engine;

/// <summary>Creates trainable tensors: they require a gradient and own a persistent gradient buffer.</summary>
internal static class Parameter
{
    /// <summary>A zero-filled trainable tensor of the given shape with a zero gradient buffer.</summary>
    /// <param name="shape">Dimensions.</param>
    public static Tensor Create(params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        t.RequiresGrad = true;
        t.Grad = Tensor.Zeros(shape);
        return t;
    }

    /// <summary>Marks an existing tensor trainable (used by tests and gradient checks).</summary>
    /// <param name="t">Tensor to mark.</param>
    public static Tensor MakeTrainable(Tensor t)
    {
        t.RequiresGrad = true;
        t.Grad ??= Tensor.Zeros(t.Shape);
        return t;
    }

    /// <summary>Sets the gradient of every parameter to zero.</summary>
    /// <param name="parameters">Trainable tensors.</param>
    public static void ZeroGrad(IEnumerable<Tensor> parameters)
    {
        foreach (var p in parameters) p.Grad?.Span.Clear();
    }
}
