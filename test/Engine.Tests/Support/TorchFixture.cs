using System.Text;
using System.Text.Json;
using MlNetDeep.Engine;

namespace MlNetDeep.Engine.Tests.Support;

/// <summary>
/// One PyTorch golden-value file of test/data/torch-conv (scripts/generate-torch-conv-fixtures.py): scalars at the top
/// level, and <c>tensors</c> (inputs, parameters, the upstream gradient R), <c>expected</c> (output) and <c>grads</c>,
/// each tensor <c>{"shape": [...], "data": [...]}</c> row-major float32.
/// </summary>
internal sealed class TorchFixture : IDisposable
{
    /// <summary>Absolute and relative tolerance of every comparison: |actual − expected| ≤ 1e-5 + 1e-4·|expected|.</summary>
    public const double AbsoluteTolerance = 1e-5, RelativeTolerance = 1e-4;

    private readonly JsonDocument _doc;
    private readonly StringBuilder _mismatches = new();

    private TorchFixture(string name, JsonDocument doc)
    {
        Name = name;
        _doc = doc;
    }

    /// <summary>The case name (file name without .json).</summary>
    public string Name { get; }

    /// <summary>The file's top-level object.</summary>
    public JsonElement Root => _doc.RootElement;

    /// <summary>Reads test/data/torch-conv/<paramref name="name"/>.json.</summary>
    /// <param name="name">Case name.</param>
    public static TorchFixture Load(string name) =>
        new(name, JsonDocument.Parse(File.ReadAllText(Path.Combine(TorchData.Folder("torch-conv"), name + ".json"))));

    /// <summary>Case names of every fixture file, sorted.</summary>
    public static string[] AllCaseNames() =>
        TorchData.CaseNames("torch-conv");

    /// <summary>A scalar string.</summary>
    /// <param name="key">Top-level key.</param>
    public string Text(string key) => Root.GetProperty(key).GetString()!;

    /// <summary>A top-level integer list (kernel, stride, padding, dilation, levels).</summary>
    /// <param name="key">Top-level key.</param>
    public int[] Ints(string key) => Root.GetProperty(key).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>True when <c>tensors</c> holds <paramref name="name"/>.</summary>
    /// <param name="name">Tensor name.</param>
    public bool HasTensor(string name) => Root.GetProperty("tensors").TryGetProperty(name, out _);

    /// <summary>An input tensor (x, weight, bias, R).</summary>
    /// <param name="name">Tensor name.</param>
    public Tensor Input(string name) => TorchData.ReadTensor(Root.GetProperty("tensors"), name);

    /// <summary>Records mismatches between <paramref name="actual"/> and <c>expected.output</c>.</summary>
    /// <param name="actual">The engine's output.</param>
    public void CompareOutput(Tensor actual) => Compare("output", actual, TorchData.ReadTensor(Root.GetProperty("expected"), "output"));

    /// <summary>Records mismatches between <paramref name="actual"/> and <c>grads.<paramref name="name"/></c>.</summary>
    /// <param name="name">Tensor name (x, weight, bias).</param>
    /// <param name="actual">The engine's gradient.</param>
    public void CompareGrad(string name, Tensor actual) => Compare("grad " + name, actual, TorchData.ReadTensor(Root.GetProperty("grads"), name));

    /// <summary>Fails with every recorded mismatch (at most five per tensor, and their count).</summary>
    public void AssertNoMismatch() => Assert.True(_mismatches.Length == 0, _mismatches.ToString());

    /// <inheritdoc/>
    public void Dispose() => _doc.Dispose();

    private void Compare(string what, Tensor actual, Tensor expected) =>
        TensorMismatches.Compare(_mismatches, $"{Name} {what}", actual, expected, AbsoluteTolerance, RelativeTolerance);
}
