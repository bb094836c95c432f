namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Applies several branches to the same input and concatenates their outputs on axis 1, e.g. TextCNN's
/// convolutions of different widths: each branch (B, …) → (B, Fᵢ), output (B, Σ Fᵢ).
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.ParallelConcatExporter</c> (src/Onnx/Export/Layers/ParallelConcatExporter.cs).</remarks>
internal sealed class ParallelConcat : Module
{
    private readonly Module[] _branches;

    /// <summary>Creates the block.</summary>
    /// <param name="branches">Branches, whose outputs agree on every axis except 1.</param>
    public ParallelConcat(params Module[] branches)
    {
        if (branches.Length == 0) throw new ArgumentException("ParallelConcat needs at least one branch.", nameof(branches));
        _branches = branches;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children => _branches;

    /// <inheritdoc/>
    public override Tensor Forward(Tape tape, Tensor x)
    {
        var outputs = new Tensor[_branches.Length];
        for (int i = 0; i < _branches.Length; i++) outputs[i] = _branches[i].Forward(tape, x);
        return outputs.Length == 1 ? outputs[0] : Ops.Concat(tape, 1, outputs);
    }
}
