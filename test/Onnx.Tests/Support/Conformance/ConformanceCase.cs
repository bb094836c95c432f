using Onnx;

namespace MlNetDeep.Onnx.Tests.Support.Conformance;

/// <summary>
/// One ONNX operator conformance case committed under <c>test/data/onnx-conformance/&lt;name&gt;/</c>: a single-node
/// <c>model.onnx</c> plus <c>test_data_set_0/input_N.pb</c> and <c>output_N.pb</c>.
/// <code>
/// var c = ConformanceCase.Load("test_leakyrelu");
/// float alpha = c.Float("alpha", 0.01f);                 // attribute of the single node, with the ONNX default
/// var y = Ops.LeakyRelu(tape, c.Inputs[0].ToEngine(), alpha);
/// c.AssertOutputClose(0, y.Span.ToArray(), y.Shape);
/// </code>
/// </summary>
internal sealed class ConformanceCase
{
    private ConformanceCase(string name, string directory, byte[] modelBytes, ModelProto model,
        IReadOnlyList<ConformanceTensor> inputs, IReadOnlyList<ConformanceTensor> outputs)
    {
        Name = name;
        Directory = directory;
        ModelBytes = modelBytes;
        Model = model;
        Inputs = inputs;
        Outputs = outputs;
        Node = model.Graph.Node.Single();
    }

    public string Name { get; }

    public string Directory { get; }

    public byte[] ModelBytes { get; }

    public ModelProto Model { get; }

    /// <summary>The model's single node.</summary>
    public NodeProto Node { get; }

    public string OpType => Node.OpType;

    /// <summary>The ai.onnx opset the model imports.</summary>
    public long Opset => Model.OpsetImport.First(o => o.Domain is "" or "ai.onnx").Version;

    /// <summary>input_0.pb, input_1.pb, … in graph-input order, named after the graph inputs.</summary>
    public IReadOnlyList<ConformanceTensor> Inputs { get; }

    /// <summary>output_0.pb, output_1.pb, … in graph-output order, named after the graph outputs.</summary>
    public IReadOnlyList<ConformanceTensor> Outputs { get; }

    /// <summary>
    /// The tensor fed to the node's input slot <paramref name="index"/>, or null when the slot is absent or empty
    /// (optional inputs such as B, sequence_lens, initial_h of the RNN ops).
    /// </summary>
    public ConformanceTensor? NodeInput(int index)
    {
        if (index >= Node.Input.Count || Node.Input[index].Length == 0) return null;
        string name = Node.Input[index];
        return Inputs.FirstOrDefault(t => t.Name == name)
            ?? throw new InvalidOperationException($"{Name}: node input '{name}' is not a graph input (initializers are not supported).");
    }

    /// <summary>The expected tensor of the node's output slot <paramref name="index"/>, or null when not produced.</summary>
    public ConformanceTensor? NodeOutput(int index)
    {
        if (index >= Node.Output.Count || Node.Output[index].Length == 0) return null;
        return Outputs.FirstOrDefault(t => t.Name == Node.Output[index]);
    }

    public bool Has(string attribute) => Node.Attribute.Any(a => a.Name == attribute);

    public long Int(string attribute, long defaultValue) => Find(attribute)?.I ?? defaultValue;

    public float Float(string attribute, float defaultValue) => Find(attribute)?.F ?? defaultValue;

    public string String(string attribute, string defaultValue) => Find(attribute)?.S.ToStringUtf8() ?? defaultValue;

    /// <summary>An ints attribute, or <paramref name="defaultValue"/> (may be null) when absent.</summary>
    public long[]? Ints(string attribute, long[]? defaultValue = null) => Find(attribute)?.Ints.ToArray() ?? defaultValue;

    public float[]? Floats(string attribute, float[]? defaultValue = null) => Find(attribute)?.Floats.ToArray() ?? defaultValue;

    public string[]? Strings(string attribute, string[]? defaultValue = null) =>
        Find(attribute)?.Strings.Select(s => s.ToStringUtf8()).ToArray() ?? defaultValue;

    /// <summary>
    /// Asserts an engine result against expected output <paramref name="index"/>: same shape and
    /// |actual − expected| ≤ atol + rtol·|expected| elementwise.
    /// </summary>
    public void AssertOutputClose(int index, float[] actual, int[] actualShape, double atol = 1e-5, double rtol = 1e-4)
    {
        ConformanceTensor expected = Outputs[index];
        Assert.True(expected.Shape.SequenceEqual(actualShape),
            $"{Name} output {index}: shape [{string.Join(",", actualShape)}], expected [{string.Join(",", expected.Dims)}]");
        OnnxTestRunner.AssertClose(expected.Floats, actual, atol, rtol, $"{Name} output {index} ({OpType})");
    }

    public override string ToString() => Name;

    /// <summary>Loads a committed case by folder name, e.g. <c>"test_relu"</c>.</summary>
    public static ConformanceCase Load(string name)
    {
        string directory = Path.Combine(DataRoot, name);
        if (!System.IO.Directory.Exists(directory))
            throw new DirectoryNotFoundException(
                $"Conformance case '{name}' is not in {DataRoot}; add it to scripts/fetch-onnx-conformance.sh and rerun it.");
        byte[] bytes = File.ReadAllBytes(Path.Combine(directory, "model.onnx"));
        ModelProto model = ModelProto.Parser.ParseFrom(bytes);
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        string[] inputNames = model.Graph.Input.Select(i => i.Name).Where(n => !initializers.Contains(n)).ToArray();
        string[] outputNames = model.Graph.Output.Select(o => o.Name).ToArray();
        string dataSet = Path.Combine(directory, "test_data_set_0");
        return new ConformanceCase(name, directory, bytes, model,
            ReadAll(dataSet, "input", inputNames, name), ReadAll(dataSet, "output", outputNames, name));
    }

    /// <summary>Folder names of every committed case.</summary>
    public static IEnumerable<string> All() =>
        System.IO.Directory.EnumerateDirectories(DataRoot, "test_*").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    private static readonly Lazy<string> Root = new(FindDataRoot);

    /// <summary><c>test/data/onnx-conformance</c> of the repository the test assembly was built from.</summary>
    public static string DataRoot => Root.Value;

    private static string FindDataRoot()
    {
        // bin/<config>/net10.0 sits inside the repository; walk up to the folder holding MlNetDeep.sln.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlNetDeep.sln")))
                return Path.Combine(dir.FullName, "test", "data", "onnx-conformance");
        }

        throw new DirectoryNotFoundException($"No MlNetDeep.sln above {AppContext.BaseDirectory}.");
    }

    private static ConformanceTensor[] ReadAll(string dataSet, string prefix, string[] names, string caseName)
    {
        var result = new List<ConformanceTensor>();
        for (int i = 0; File.Exists(Path.Combine(dataSet, $"{prefix}_{i}.pb")); i++)
        {
            if (i >= names.Length)
                throw new InvalidDataException($"{caseName}: {prefix}_{i}.pb has no matching graph {prefix}.");
            // The protos carry the name too, but the graph order is authoritative (input_N feeds graph input N).
            result.Add(ConformanceTensor.Read(Path.Combine(dataSet, $"{prefix}_{i}.pb"), names[i]) is var t && t.Name == names[i]
                ? t
                : new ConformanceTensor(names[i], t.ElementType, t.Dims, t.Data));
        }

        return result.ToArray();
    }

    private AttributeProto? Find(string name) => Node.Attribute.FirstOrDefault(a => a.Name == name);
}
