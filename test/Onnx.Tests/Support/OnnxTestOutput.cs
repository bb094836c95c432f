using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetDeep.Onnx.Tests.Support;

/// <summary>
/// One output tensor returned by <see cref="OnnxTestRunner"/>: its element type, shape and data.
/// Use <see cref="Floats"/> / <see cref="Int64s"/> / <see cref="Bools"/> to get the data as the expected type.
/// </summary>
internal sealed class OnnxTestOutput
{
    private readonly Array _data;

    internal OnnxTestOutput(string name, TensorElementType elementType, long[] dims, Array data)
    {
        Name = name;
        ElementType = elementType;
        Dims = dims;
        _data = data;
    }

    public string Name { get; }

    public TensorElementType ElementType { get; }

    public long[] Dims { get; }

    public float[] Floats => _data as float[]
        ?? throw new InvalidOperationException($"Output '{Name}' is {ElementType}, not float.");

    public long[] Int64s => _data as long[]
        ?? throw new InvalidOperationException($"Output '{Name}' is {ElementType}, not int64.");

    public bool[] Bools => _data as bool[]
        ?? throw new InvalidOperationException($"Output '{Name}' is {ElementType}, not bool.");

    public int[] Int32s => _data as int[]
        ?? throw new InvalidOperationException($"Output '{Name}' is {ElementType}, not int32.");

    internal Array Data => _data;

    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Dims)}]";
}
