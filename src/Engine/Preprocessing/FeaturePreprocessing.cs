namespace MlNetDeep.Engine.Preprocessing;

/// <summary>
/// The preprocessing a model applies to each row of dense features before its network, defined once for both sides of
/// a model: the trainer applies it with <see cref="Apply"/>, and the exported graph adds the same steps as ONNX nodes
/// (<c>MlNetDeep.Onnx.Export.FeaturePreprocessingGraph</c>, src/Onnx/Export/FeaturePreprocessingGraph.cs). Steps, in order:
/// <list type="number">
/// <item>With <see cref="RelativeStepSize"/> = F &gt; 0, the row (T steps of F values) is made relative to its last step
/// (<see cref="MakeRelative"/>); the last step's first value is the regression target's offset.</item>
/// <item>Standardisation in G = <see cref="Mean"/>.Length groups of L / G consecutive slots (L the row length):
/// row[j] = (row[j] − Mean[g]) / Std[g] with g = j / (L / G). G = L standardises each slot; G = C standardises each
/// plane of a (C, H, W) image.</item>
/// </list>
/// </summary>
/// <param name="Mean">(G) values subtracted.</param>
/// <param name="Std">(G) positive divisors.</param>
/// <param name="RelativeStepSize">F, values per time step, when rows are made relative to their last step; 0: off.</param>
internal sealed record FeaturePreprocessing(float[] Mean, float[] Std, int RelativeStepSize = 0)
{
    /// <summary>G, the number of standardisation groups.</summary>
    public int Groups => Mean.Length;

    /// <summary>Applies every step to <paramref name="row"/> in place.</summary>
    /// <param name="row">(L) one row's values; L a multiple of <see cref="Groups"/>.</param>
    /// <returns>The target's offset (the level of step 1), 0 when rows are not made relative.</returns>
    public float Apply(Span<float> row)
    {
        float offset = MakeRelative(row, RelativeStepSize);
        int groupSize = row.Length / Mean.Length;
        for (int g = 0; g < Mean.Length; g++)
        {
            // Subtract, then divide (not multiply by a reciprocal): the graph does the same, so values match to the bit.
            float mean = Mean[g], std = Std[g];
            var slots = row.Slice(g * groupSize, groupSize);
            for (int j = 0; j < slots.Length; j++) slots[j] = (slots[j] - mean) / std;
        }
        return offset;
    }

    /// <summary>
    /// Step 1 alone (the data scan learns the statistics of step 2 after it): with F = <paramref name="stepSize"/> &gt; 0,
    /// level = row[L − F ..] and every step's values lose the level's; no-op when F = 0.
    /// </summary>
    /// <param name="row">(T·F) one row, step after step.</param>
    /// <param name="stepSize">F, or 0.</param>
    /// <returns>level[0], the target's offset (0 when F = 0).</returns>
    public static float MakeRelative(Span<float> row, int stepSize)
    {
        if (stepSize == 0) return 0f;
        Span<float> level = stackalloc float[stepSize];
        row[^stepSize..].CopyTo(level);
        for (int i = 0; i < row.Length; i++) row[i] -= level[i % stepSize];
        return level[0];
    }
}
