namespace MlNetDeep.Engine.Layers;

/// <summary>A copy of every parameter and buffer of a module, e.g. the best epoch kept by early stopping.</summary>
internal sealed class ModuleSnapshot
{
    private readonly float[][] _values;

    private ModuleSnapshot(float[][] values) => _values = values;

    /// <summary>The copied tensors, in <see cref="Module.State"/> order (what a checkpoint stores).</summary>
    public IReadOnlyList<float[]> Values => _values;

    /// <summary>A snapshot of stored values (read from a checkpoint); <see cref="Restore"/> checks them against the module.</summary>
    /// <param name="values">Tensors in <see cref="Module.State"/> order.</param>
    public static ModuleSnapshot FromValues(float[][] values) => new(values);

    /// <summary>Copies the module's current state.</summary>
    /// <param name="module">Module to copy.</param>
    public static ModuleSnapshot Capture(Module module) => new(module.State().Select(t => t.Span.ToArray()).ToArray());

    /// <summary>Writes the captured state back into <paramref name="module"/> (the same architecture it came from).</summary>
    /// <param name="module">Module to overwrite.</param>
    public void Restore(Module module)
    {
        var state = module.State().ToArray();
        if (state.Length != _values.Length) throw new ArgumentException("The snapshot belongs to a different architecture.", nameof(module));
        for (int i = 0; i < state.Length; i++)
        {
            if (state[i].Length != _values[i].Length) throw new ArgumentException("The snapshot belongs to a different architecture.", nameof(module));
            _values[i].CopyTo(state[i].Span);
        }
    }
}
