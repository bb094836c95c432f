namespace MlNetDeep.Onnx;

/// <summary>
/// Builds an ONNX graph (the main graph or a subgraph such as a <c>Loop</c> body) in SSA form.
/// Nodes must be added in topological order; every non-empty node input must already be defined as a graph
/// input, an initializer, an earlier node output, a value of an enclosing graph (for graphs made with
/// <see cref="CreateSubgraph"/>) or a name declared with <see cref="DeclareOuterScope"/>.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly OnnxGraphBuilder? _parent;
    private readonly NameRegistry _registry;
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly List<OnnxValueInfo> _valueInfos = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<OnnxNode> _nodes = [];
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);
    private readonly HashSet<string> _outputNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _outerScope = new(StringComparer.Ordinal);

    /// <summary>Creates an empty root graph.</summary>
    /// <param name="name">The graph name.</param>
    public OnnxGraphBuilder(string name)
        : this(name, null)
    {
    }

    private OnnxGraphBuilder(string name, OnnxGraphBuilder? parent)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _parent = parent;
        _registry = parent?._registry ?? new NameRegistry();
    }

    /// <summary>The graph name.</summary>
    public string Name { get; }

    /// <summary>Optional documentation string written to <c>GraphProto.doc_string</c>.</summary>
    public string? DocString { get; set; }

    /// <summary>The enclosing graph for a graph made with <see cref="CreateSubgraph"/>; otherwise null.</summary>
    public OnnxGraphBuilder? Parent => _parent;

    /// <summary>Graph inputs in declaration order.</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs => _inputs;

    /// <summary>Graph outputs in declaration order.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs => _outputs;

    /// <summary>Extra value_info entries (intermediate value types) in declaration order.</summary>
    public IReadOnlyList<OnnxValueInfo> ValueInfos => _valueInfos;

    /// <summary>Initializers in declaration order (not listed as graph inputs).</summary>
    public IReadOnlyList<OnnxTensor> Initializers => _initializers;

    /// <summary>Nodes in the order added.</summary>
    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    /// <summary>
    /// Creates a subgraph (e.g. a <c>Loop</c> body or <c>If</c> branch) of this graph. Its nodes may use any value
    /// already defined in this graph (or its enclosing graphs), and generated names are unique across the whole tree.
    /// Attach it to a node with <see cref="OnnxAttribute.Graph"/>.
    /// </summary>
    /// <param name="name">The subgraph name.</param>
    /// <returns>The new, empty subgraph builder.</returns>
    public OnnxGraphBuilder CreateSubgraph(string name) => new(name, this);

    /// <summary>
    /// Declares a name produced by an enclosing graph that nodes of this (sub)graph may use as an input.
    /// Needed only for a subgraph created with the public constructor rather than <see cref="CreateSubgraph"/>.
    /// When the subgraph is attached to a node, the declared names are checked against the enclosing graph.
    /// </summary>
    /// <param name="name">The outer-scope value name.</param>
    public void DeclareOuterScope(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_defined.Contains(name))
            throw new InvalidOperationException($"Graph '{Name}': '{name}' is already defined in this graph and cannot be an outer-scope name.");
        _outerScope.Add(name);
        _registry.ReserveValue(name);
    }

    /// <summary>
    /// True if <paramref name="name"/> can be used as a node input here: defined in this graph, declared outer-scope,
    /// or visible from an enclosing graph.
    /// </summary>
    /// <param name="name">The value name.</param>
    /// <returns>True if visible.</returns>
    public bool IsDefined(string name) =>
        _defined.Contains(name) || _outerScope.Contains(name) || (_parent?.IsDefined(name) ?? false);

    /// <summary>
    /// Returns a fresh value name starting with <paramref name="prefix"/> that collides with no input, initializer,
    /// output or node output in this graph tree, and reserves it.
    /// </summary>
    /// <param name="prefix">Name prefix, e.g. <c>"dense1_weight"</c>.</param>
    /// <returns>A unique name of the form <c>prefix_N</c>.</returns>
    public string UniqueName(string prefix) => _registry.NextValue(prefix);

    /// <summary>Adds a graph input.</summary>
    /// <param name="name">Input name.</param>
    /// <param name="type">Element type.</param>
    /// <param name="dims">Shape; none for a scalar. Use strings (or <see cref="OnnxDim.Symbolic"/>) for symbolic sizes.</param>
    /// <returns><paramref name="name"/>.</returns>
    public string AddInput(string name, OnnxElementType type, params OnnxDim[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        Define(name, "input");
        _inputs.Add(new OnnxValueInfo(name, type, (OnnxDim[])dims.Clone()));
        return name;
    }

    /// <summary>
    /// Adds a graph input whose shape (even its rank) is not stated, only its element type: the <c>Loop</c> body inputs
    /// whose shape changes between iterations (ORT rejects a changed element type but accepts a changed shape).
    /// </summary>
    /// <param name="name">Input name.</param>
    /// <param name="type">Element type.</param>
    /// <returns><paramref name="name"/>.</returns>
    public string AddInputOfUnknownShape(string name, OnnxElementType type)
    {
        Define(name, "input");
        _inputs.Add(new OnnxValueInfo(name, type, null));
        return name;
    }

    /// <summary>
    /// Declares a graph output with a known shape. The value must be produced by a node (or be an input or
    /// initializer) by the time the model is written. For a scalar pass <c>Array.Empty&lt;OnnxDim&gt;()</c>;
    /// calling with no dims selects the unknown-shape overload.
    /// </summary>
    /// <param name="name">Output name.</param>
    /// <param name="type">Element type.</param>
    /// <param name="dims">Shape.</param>
    public void AddOutput(string name, OnnxElementType type, params OnnxDim[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        AddOutputCore(name, type, (OnnxDim[])dims.Clone());
    }

    /// <summary>
    /// Declares a graph output whose shape (even its rank) is not stated, only its element type; typical for
    /// <c>Loop</c>/<c>If</c> subgraph outputs.
    /// </summary>
    /// <param name="name">Output name.</param>
    /// <param name="type">Element type.</param>
    public void AddOutput(string name, OnnxElementType type) => AddOutputCore(name, type, null);

    /// <summary>Adds an optional value_info entry describing the type of an intermediate value.</summary>
    /// <param name="name">Value name.</param>
    /// <param name="type">Element type.</param>
    /// <param name="dims">Shape.</param>
    public void AddValueInfo(string name, OnnxElementType type, params OnnxDim[] dims)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(dims);
        _valueInfos.Add(new OnnxValueInfo(name, type, (OnnxDim[])dims.Clone()));
    }

    /// <summary>Adds an initializer (a constant tensor; not listed as a graph input).</summary>
    /// <param name="tensor">The tensor; its <see cref="OnnxTensor.Name"/> becomes the value name.</param>
    /// <returns>The tensor name.</returns>
    public string AddInitializer(OnnxTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Define(tensor.Name, "initializer");
        _initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a float initializer.</summary>
    /// <param name="name">Initializer name.</param>
    /// <param name="data">Row-major data.</param>
    /// <param name="dims">Shape; none for a scalar.</param>
    /// <returns><paramref name="name"/>.</returns>
    public string AddInitializer(string name, ReadOnlySpan<float> data, params long[] dims) =>
        AddInitializer(OnnxTensor.Float(name, data, dims));

    /// <summary>Adds an int64 initializer.</summary>
    /// <param name="name">Initializer name.</param>
    /// <param name="data">Row-major data.</param>
    /// <param name="dims">Shape; none for a scalar.</param>
    /// <returns><paramref name="name"/>.</returns>
    public string AddInitializer(string name, ReadOnlySpan<long> data, params long[] dims) =>
        AddInitializer(OnnxTensor.Int64(name, data, dims));

    /// <summary>Adds an int32 initializer.</summary>
    /// <param name="name">Initializer name.</param>
    /// <param name="data">Row-major data.</param>
    /// <param name="dims">Shape; none for a scalar.</param>
    /// <returns><paramref name="name"/>.</returns>
    public string AddInitializer(string name, ReadOnlySpan<int> data, params long[] dims) =>
        AddInitializer(OnnxTensor.Int32(name, data, dims));

    /// <summary>Adds a 1-D int64 initializer with a generated unique name (handy for shapes, axes, indices).</summary>
    /// <param name="values">The values.</param>
    /// <returns>The generated name.</returns>
    public string Constant(long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Constant(values, [values.Length]);
    }

    /// <summary>Adds an int64 initializer of the given shape with a generated unique name.</summary>
    /// <param name="values">Row-major values.</param>
    /// <param name="dims">Shape; empty for a scalar.</param>
    /// <returns>The generated name.</returns>
    public string Constant(long[] values, long[] dims) => AddInitializer(OnnxTensor.Int64(UniqueName("const"), values, dims));

    /// <summary>Adds a 1-D float initializer with a generated unique name.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The generated name.</returns>
    public string Constant(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Constant(values, [values.Length]);
    }

    /// <summary>Adds a float initializer of the given shape with a generated unique name.</summary>
    /// <param name="values">Row-major values.</param>
    /// <param name="dims">Shape; empty for a scalar.</param>
    /// <returns>The generated name.</returns>
    public string Constant(float[] values, long[] dims) => AddInitializer(OnnxTensor.Float(UniqueName("const"), values, dims));

    /// <summary>Adds an int32 initializer of the given shape with a generated unique name.</summary>
    /// <param name="values">Row-major values.</param>
    /// <param name="dims">Shape; empty for a scalar.</param>
    /// <returns>The generated name.</returns>
    public string Constant(int[] values, long[] dims) => AddInitializer(OnnxTensor.Int32(UniqueName("const"), values, dims));

    /// <summary>Adds a scalar (rank-0) int64 initializer with a generated unique name.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The generated name.</returns>
    public string ScalarConstant(long value) => Constant([value], []);

    /// <summary>Adds a scalar (rank-0) float initializer with a generated unique name.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The generated name.</returns>
    public string ScalarConstant(float value) => Constant([value], []);

    /// <summary>Adds a scalar (rank-0) bool initializer with a generated unique name.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The generated name.</returns>
    public string ScalarConstant(bool value) => AddInitializer(OnnxTensor.Bool(UniqueName("const"), [value]));

    /// <summary>Adds a node with one output whose unique name is generated and returned.</summary>
    /// <param name="opType">Operator type, e.g. <c>"Relu"</c>.</param>
    /// <param name="inputs">Input names; <c>""</c> for an absent optional input.</param>
    /// <param name="attributes">Attributes.</param>
    /// <returns>The output name.</returns>
    public string AddNode(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
        AddNode(opType, inputs, 1, attributes)[0];

    /// <summary>
    /// Adds a node with an explicit node name and one generated output. ONNX Runtime puts the name of a failing node
    /// into its error message, so a node that exists to fail on bad input can say why.
    /// </summary>
    /// <param name="nodeName">Node name, unique in the graph tree (generated names never take it).</param>
    /// <param name="opType">Operator type, e.g. <c>"Reshape"</c>.</param>
    /// <param name="inputs">Input names; <c>""</c> for an absent optional input.</param>
    /// <param name="attributes">Attributes.</param>
    /// <returns>The output name.</returns>
    /// <exception cref="InvalidOperationException">Another node already has <paramref name="nodeName"/>.</exception>
    public string AddNamedNode(string nodeName, string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentException.ThrowIfNullOrEmpty(opType);
        CheckInputs(nodeName, opType, inputs, attributes);
        if (!_registry.TryReserveNode(nodeName))
            throw new InvalidOperationException($"Graph '{Name}': node name '{nodeName}' is already used.");
        string output = UniqueName(opType);
        Commit(nodeName, opType, "", inputs, [output], attributes);
        return output;
    }

    /// <summary>Adds a node with several outputs whose unique names are generated and returned.</summary>
    /// <param name="opType">Operator type, e.g. <c>"Split"</c>.</param>
    /// <param name="inputs">Input names; <c>""</c> for an absent optional input.</param>
    /// <param name="outputCount">Number of outputs (at least 1).</param>
    /// <param name="attributes">Attributes.</param>
    /// <returns>The output names.</returns>
    public string[] AddNode(string opType, IReadOnlyList<string> inputs, int outputCount, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        string nodeName = _registry.NextNode(opType);
        CheckInputs(nodeName, opType, inputs, attributes);
        var outputs = new string[outputCount];
        for (int i = 0; i < outputCount; i++)
            outputs[i] = UniqueName(opType);
        Commit(nodeName, opType, "", inputs, outputs, attributes);
        return outputs;
    }

    /// <summary>
    /// Adds a node with explicit output names, e.g. to produce a declared graph output. An output name may be
    /// <c>""</c> to leave an optional output absent; other names must not be defined yet.
    /// </summary>
    /// <param name="opType">Operator type.</param>
    /// <param name="inputs">Input names; <c>""</c> for an absent optional input.</param>
    /// <param name="outputs">Output names.</param>
    /// <param name="attributes">Attributes.</param>
    public void AddNodeWithOutputs(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes) =>
        AddNodeInDomain("", opType, inputs, outputs, attributes);

    /// <summary>
    /// Adds a node of a non-default operator domain (e.g. <c>"com.microsoft"</c>) with explicit output names.
    /// Remember to import the domain via <see cref="OnnxModelOptions.AdditionalOpsets"/>.
    /// </summary>
    /// <param name="domain">Operator domain; <c>""</c> for the default ai.onnx domain.</param>
    /// <param name="opType">Operator type.</param>
    /// <param name="inputs">Input names; <c>""</c> for an absent optional input.</param>
    /// <param name="outputs">Output names.</param>
    /// <param name="attributes">Attributes.</param>
    public void AddNodeInDomain(string domain, string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(outputs);
        string nodeName = _registry.NextNode(opType);
        CheckInputs(nodeName, opType, inputs, attributes);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string output in outputs)
        {
            if (output is null)
                throw new ArgumentException($"Node '{nodeName}' ({opType}): null output name.", nameof(outputs));
            if (output.Length == 0)
                continue;
            if (!seen.Add(output) || IsDefined(output))
                throw new InvalidOperationException(
                    $"Node '{nodeName}' ({opType}) in graph '{Name}': output '{output}' is already defined (values are SSA).");
        }

        Commit(nodeName, opType, domain, inputs, outputs.ToArray(), attributes);
    }

    /// <summary>
    /// Checks that every declared output is produced (by a node, an input or an initializer, or is visible from an
    /// enclosing scope), recursively for subgraph attributes. Called by <see cref="OnnxModelWriter.Write(OnnxGraphBuilder, OnnxModelOptions)"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">An output is never produced.</exception>
    public void Validate()
    {
        foreach (OnnxValueInfo output in _outputs)
            if (!IsDefined(output.Name))
                throw new InvalidOperationException(
                    $"Graph '{Name}': output '{output.Name}' is declared but not produced by any node, input or initializer.");
        foreach (OnnxNode node in _nodes)
            foreach (OnnxAttribute attribute in node.Attributes)
                if (attribute.Value is OnnxGraphBuilder body)
                    body.Validate();
    }

    private void AddOutputCore(string name, OnnxElementType type, OnnxDim[]? dims)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_outputNames.Add(name))
            throw new InvalidOperationException($"Graph '{Name}': output '{name}' is declared twice.");
        _registry.ReserveValue(name);
        _outputs.Add(new OnnxValueInfo(name, type, dims));
    }

    private void Define(string name, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (IsDefined(name))
            throw new InvalidOperationException($"Graph '{Name}': cannot add {what} '{name}': the name is already defined.");
        _defined.Add(name);
        _registry.ReserveValue(name);
    }

    private void CheckInputs(string nodeName, string opType, IReadOnlyList<string> inputs, OnnxAttribute[] attributes)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (string input in inputs)
        {
            if (input is null)
                throw new ArgumentException($"Node '{nodeName}' ({opType}): null input name; use \"\" for an absent optional input.", nameof(inputs));
            if (input.Length != 0 && !IsDefined(input))
                throw new InvalidOperationException(
                    $"Node '{nodeName}' ({opType}) in graph '{Name}': input '{input}' is not defined " +
                    "(not a graph input, initializer, earlier node output or declared outer-scope name).");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (OnnxAttribute attribute in attributes)
        {
            ArgumentNullException.ThrowIfNull(attribute, nameof(attributes));
            if (!names.Add(attribute.Name))
                throw new ArgumentException($"Node '{nodeName}' ({opType}): attribute '{attribute.Name}' given twice.", nameof(attributes));
            if (attribute.Value is OnnxGraphBuilder body)
            {
                if (body._parent is not null && body._parent != this)
                    throw new InvalidOperationException(
                        $"Node '{nodeName}' ({opType}) in graph '{Name}': subgraph '{body.Name}' was created from graph '{body._parent.Name}'.");
                foreach (string outer in body._outerScope)
                    if (!IsDefined(outer))
                        throw new InvalidOperationException(
                            $"Node '{nodeName}' ({opType}) in graph '{Name}': subgraph '{body.Name}' uses outer-scope name '{outer}', which is not defined here.");
            }
        }
    }

    private void Commit(string nodeName, string opType, string domain, IReadOnlyList<string> inputs, string[] outputs, OnnxAttribute[] attributes)
    {
        foreach (string output in outputs)
        {
            if (output.Length == 0)
                continue;
            _defined.Add(output);
            _registry.ReserveValue(output);
        }

        _nodes.Add(new OnnxNode(nodeName, opType, domain, inputs.ToArray(), outputs, (OnnxAttribute[])attributes.Clone()));
    }
}
