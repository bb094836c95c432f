namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Reorders axes, e.g. <c>new Permute(0, 2, 1)</c> turns embeddings (B, T, E) into channels-first (B, E, T) for
/// <see cref="Conv1d"/>; see <see cref="Ops.Permute"/>. ONNX Transpose(perm). No parameters.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.PermuteExporter</c> (src/Onnx/Export/Layers/PermuteExporter.cs).</remarks>
internal sealed class Permute : Module
{
    private readonly int[] _perm;

    /// <summary>Creates the layer.</summary>
    /// <param name="perm">Output axis i takes input axis perm[i]; a permutation of 0 … rank−1 including the batch axis.</param>
    public Permute(params int[] perm)
    {
        if (perm.Length == 0 || perm.OrderBy(p => p).Where((p, i) => p != i).Any())
            throw new ArgumentException($"[{string.Join(",", perm)}] is not a permutation.", nameof(perm));
        _perm = (int[])perm.Clone();
    }

    /// <summary>Output axis i takes input axis Perm[i].</summary>
    public IReadOnlyList<int> Perm => _perm;

    /// <summary>Permuted copy of x.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">Rank equal to the permutation's length, e.g. (B, T, E).</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.Permute(tape, x, _perm);
}
