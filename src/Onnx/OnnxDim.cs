namespace MlNetDeep.Onnx;

/// <summary>
/// One dimension of a graph input/output shape: a fixed size, a symbolic (named) size such as <c>"N"</c>,
/// or unknown (<c>default</c>).
/// </summary>
internal readonly struct OnnxDim : IEquatable<OnnxDim>
{
    private readonly long _value;
    private readonly string? _param;
    private readonly bool _isFixed;

    private OnnxDim(long value, string? param, bool isFixed)
    {
        _value = value;
        _param = param;
        _isFixed = isFixed;
    }

    /// <summary>An unknown dimension (neither a value nor a name is written). Same as <c>default</c>.</summary>
    public static OnnxDim Unknown => default;

    /// <summary>Creates a fixed-size dimension.</summary>
    /// <param name="value">The size; must be non-negative.</param>
    /// <returns>The dimension.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative.</exception>
    public static OnnxDim Fixed(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return new OnnxDim(value, null, true);
    }

    /// <summary>Creates a symbolic dimension, e.g. a batch size <c>"N"</c>.</summary>
    /// <param name="name">The dimension parameter name; must not be empty.</param>
    /// <returns>The dimension.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public static OnnxDim Symbolic(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new OnnxDim(0, name, false);
    }

    /// <summary>True if this is a fixed-size dimension.</summary>
    public bool IsFixed => _isFixed;

    /// <summary>True if this is a symbolic dimension.</summary>
    public bool IsSymbolic => _param is not null;

    /// <summary>The fixed size (0 unless <see cref="IsFixed"/>).</summary>
    public long Value => _value;

    /// <summary>The symbolic name (null unless <see cref="IsSymbolic"/>).</summary>
    public string? Param => _param;

    /// <summary>Converts a size to a fixed dimension.</summary>
    /// <param name="value">The size.</param>
    public static implicit operator OnnxDim(long value) => Fixed(value);

    /// <summary>Converts a size to a fixed dimension.</summary>
    /// <param name="value">The size.</param>
    public static implicit operator OnnxDim(int value) => Fixed(value);

    /// <summary>Converts a name to a symbolic dimension.</summary>
    /// <param name="name">The dimension name.</param>
    public static implicit operator OnnxDim(string name) => Symbolic(name);

    /// <inheritdoc />
    public bool Equals(OnnxDim other) => _value == other._value && _param == other._param && _isFixed == other._isFixed;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OnnxDim other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_value, _param, _isFixed);

    /// <summary>Equality.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    /// <returns>True if equal.</returns>
    public static bool operator ==(OnnxDim left, OnnxDim right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    /// <returns>True if not equal.</returns>
    public static bool operator !=(OnnxDim left, OnnxDim right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => _isFixed ? _value.ToString(System.Globalization.CultureInfo.InvariantCulture) : _param ?? "?";
}
