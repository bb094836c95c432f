namespace MlNetDeep.Engine;

/// <summary>
/// A dense float32 tensor stored contiguously in row-major order. The buffer may be longer than
/// <see cref="Length"/> when it comes from a <see cref="TensorPool"/>; always use <see cref="Span"/>.
/// </summary>
/// <remarks>
/// Gradients: <see cref="Grad"/> is null until backward needs it. For parameters it is a persistent
/// buffer that optimisers read and zero; for intermediate values it is pooled by the <see cref="Tape"/>
/// that created the tensor. Backward functions always accumulate (+=) into gradients, so a tensor used
/// twice receives the sum of both contributions.
/// </remarks>
internal sealed class Tensor
{
    /// <summary>Creates a tensor over an existing buffer (not copied).</summary>
    /// <param name="data">Buffer with at least product(shape) elements.</param>
    /// <param name="shape">Dimensions, outermost first.</param>
    public Tensor(float[] data, params int[] shape)
    {
        int length = ShapeLength(shape);
        if (data.Length < length)
            throw new ArgumentException($"Buffer of {data.Length} elements is smaller than shape [{string.Join(",", shape)}] ({length}).", nameof(data));
        Data = data;
        Shape = shape;
        Length = length;
    }

    /// <summary>Creates a zero-filled tensor.</summary>
    /// <param name="shape">Dimensions, outermost first.</param>
    public static Tensor Zeros(params int[] shape) => new(new float[ShapeLength(shape)], shape);

    /// <summary>Creates a tensor holding a copy of <paramref name="values"/>.</summary>
    /// <param name="values">Row-major values.</param>
    /// <param name="shape">Dimensions; their product must equal the number of values.</param>
    public static Tensor FromArray(ReadOnlySpan<float> values, params int[] shape)
    {
        if (values.Length != ShapeLength(shape))
            throw new ArgumentException($"{values.Length} values do not fill shape [{string.Join(",", shape)}].", nameof(values));
        return new Tensor(values.ToArray(), shape);
    }

    /// <summary>Underlying buffer; only the first <see cref="Length"/> elements belong to the tensor.</summary>
    public float[] Data { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public int Length { get; }

    /// <summary>Rank (number of dimensions).</summary>
    public int Rank => Shape.Length;

    /// <summary>The tensor's elements.</summary>
    public Span<float> Span => Data.AsSpan(0, Length);

    /// <summary>Gradient of the loss with respect to this tensor, once backward has reached it.</summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>True when backward must compute a gradient for this tensor (parameters, and values derived from them).</summary>
    public bool RequiresGrad { get; internal set; }

    /// <summary>Size of dimension <paramref name="axis"/> (negative counts from the end).</summary>
    /// <param name="axis">Dimension index.</param>
    public int Dim(int axis) => Shape[axis < 0 ? Shape.Length + axis : axis];

    /// <summary>Element-wise copy of this tensor with a new buffer (gradient not copied).</summary>
    public Tensor Clone() => new(Span.ToArray(), (int[])Shape.Clone());

    /// <summary>Product of the dimensions; throws on a negative dimension.</summary>
    /// <param name="shape">Dimensions.</param>
    public static int ShapeLength(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Negative dimension {d} in shape.", nameof(shape));
            n *= d;
        }
        return checked((int)n);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Tensor[{string.Join(",", Shape)}]";
}
