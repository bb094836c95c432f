namespace MlNetDeep.Onnx;

/// <summary>
/// A node attribute. Create with the static factories; the attribute type is always written.
/// </summary>
internal sealed class OnnxAttribute
{
    private OnnxAttribute(string name, OnnxAttributeKind kind, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Kind = kind;
        Value = value;
    }

    /// <summary>The attribute name, e.g. <c>"axis"</c>.</summary>
    public string Name { get; }

    /// <summary>The attribute kind.</summary>
    public OnnxAttributeKind Kind { get; }

    /// <summary>
    /// The value: <see cref="long"/>, <see cref="float"/>, <see cref="string"/>, <c>long[]</c>, <c>float[]</c>,
    /// <c>string[]</c>, <see cref="OnnxTensor"/> or <see cref="OnnxGraphBuilder"/> depending on <see cref="Kind"/>.
    /// </summary>
    public object Value { get; }

    /// <summary>An int64 attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeKind.Int, value);

    /// <summary>A float attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeKind.Float, value);

    /// <summary>A string attribute (written as UTF-8 bytes).</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute String(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(name, OnnxAttributeKind.String, value);
    }

    /// <summary>A list-of-int64 attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="values">Values (copied).</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute Ints(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(name, OnnxAttributeKind.Ints, values.Clone());
    }

    /// <summary>A list-of-float attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="values">Values (copied).</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute Floats(string name, params float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(name, OnnxAttributeKind.Floats, values.Clone());
    }

    /// <summary>A list-of-string attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="values">Values (copied).</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute Strings(string name, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (string v in values)
            ArgumentNullException.ThrowIfNull(v, nameof(values));
        return new(name, OnnxAttributeKind.Strings, values.Clone());
    }

    /// <summary>A tensor attribute (e.g. <c>value</c> of a <c>Constant</c> node).</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">The tensor.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute Tensor(string name, OnnxTensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(name, OnnxAttributeKind.Tensor, value);
    }

    /// <summary>
    /// A subgraph attribute (e.g. the <c>body</c> of a <c>Loop</c> or a branch of an <c>If</c>).
    /// The body is serialised when the model is written, so it must be complete by then.
    /// </summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="body">The subgraph.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttribute Graph(string name, OnnxGraphBuilder body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new(name, OnnxAttributeKind.Graph, body);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}:{Kind}";
}
