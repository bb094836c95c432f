using Microsoft.ML.OnnxRuntime;

namespace MlNetDeep.Onnx.Tests.Support;

/// <summary>
/// A named input tensor for <see cref="OnnxTestRunner"/>. Create with <see cref="Float"/>, <see cref="Int64"/>,
/// <see cref="Bool"/>, or implicitly from a tuple <c>("x", new float[] { ... }, new long[] { 2, 3 })</c>.
/// </summary>
internal sealed class OnnxTestInput
{
    private readonly Func<OrtValue> _create;

    private OnnxTestInput(string name, long[] dims, Func<OrtValue> create)
    {
        Name = name;
        Dims = dims;
        _create = create;
    }

    public string Name { get; }

    public long[] Dims { get; }

    public static OnnxTestInput Float(string name, float[] data, params long[] dims) =>
        new(name, dims, () => OrtValue.CreateTensorValueFromMemory((float[])data.Clone(), dims));

    public static OnnxTestInput Int64(string name, long[] data, params long[] dims) =>
        new(name, dims, () => OrtValue.CreateTensorValueFromMemory((long[])data.Clone(), dims));

    public static OnnxTestInput Int32(string name, int[] data, params long[] dims) =>
        new(name, dims, () => OrtValue.CreateTensorValueFromMemory((int[])data.Clone(), dims));

    public static OnnxTestInput UInt32(string name, uint[] data, params long[] dims) =>
        new(name, dims, () => OrtValue.CreateTensorValueFromMemory((uint[])data.Clone(), dims));

    public static OnnxTestInput Bool(string name, bool[] data, params long[] dims) =>
        new(name, dims, () => OrtValue.CreateTensorValueFromMemory((bool[])data.Clone(), dims));

    public static implicit operator OnnxTestInput((string name, float[] data, long[] dims) t) => Float(t.name, t.data, t.dims);

    public static implicit operator OnnxTestInput((string name, long[] data, long[] dims) t) => Int64(t.name, t.data, t.dims);

    internal OrtValue CreateOrtValue() => _create();
}
