using System.Text.Json;
using MlNetDeep.Engine;

namespace MlNetDeep.Engine.Tests.Support;

/// <summary>Where the PyTorch golden-value files live (test/data/torch-*) and how their tensors are read.</summary>
internal static class TorchData
{
    /// <summary>test/data/<paramref name="name"/> in the repository holding this test run.</summary>
    /// <param name="name">Fixture folder, e.g. torch-rnn.</param>
    public static string Folder(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MlNetDeep.sln")))
                return Path.Combine(dir.FullName, "test", "data", name);
        throw new DirectoryNotFoundException($"No MlNetDeep.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Case names (file names without .json) of a fixture folder, sorted ordinally.</summary>
    /// <param name="name">Fixture folder.</param>
    public static string[] CaseNames(string name) =>
        Directory.GetFiles(Folder(name), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A tensor stored as <c>{"shape": [...], "data": [...]}</c> (row-major float32).</summary>
    /// <param name="container">Object holding the tensor.</param>
    /// <param name="name">Tensor name.</param>
    /// <param name="expectedShape">When given, the stored shape must equal it.</param>
    public static Tensor ReadTensor(JsonElement container, string name, params int[] expectedShape)
    {
        var element = container.GetProperty(name);
        int[] shape = element.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        float[] data = element.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        if (expectedShape.Length > 0 && !shape.SequenceEqual(expectedShape))
            throw new InvalidDataException($"{name}: shape ({string.Join(",", shape)}), expected ({string.Join(",", expectedShape)}).");
        if (data.Length != Tensor.ShapeLength(shape)) throw new InvalidDataException($"{name}: {data.Length} values for shape ({string.Join(",", shape)}).");
        return new Tensor(data, shape);
    }
}
