namespace MlNetDeep.Onnx;

/// <summary>
/// Names used anywhere in one graph tree (a root graph and the subgraphs created from it), so that generated
/// names never collide with explicit ones or with each other.
/// </summary>
internal sealed class NameRegistry
{
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _valueCounters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _nodeCounters = new(StringComparer.Ordinal);

    public void ReserveValue(string name) => _values.Add(name);

    public string NextValue(string prefix) => Next(prefix, _values, _valueCounters);

    public string NextNode(string prefix) => Next(prefix, _nodes, _nodeCounters);

    /// <summary>Claims an explicit node name; false if it is already used.</summary>
    public bool TryReserveNode(string name) => _nodes.Add(name);

    private static string Next(string prefix, HashSet<string> used, Dictionary<string, int> counters)
    {
        if (string.IsNullOrEmpty(prefix))
            prefix = "t";
        counters.TryGetValue(prefix, out int n);
        string candidate;
        do
        {
            candidate = $"{prefix}_{n++}";
        }
        while (used.Contains(candidate));
        counters[prefix] = n;
        used.Add(candidate);
        return candidate;
    }
}
