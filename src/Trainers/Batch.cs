namespace MlNetDeep.Trainers;

/// <summary>A mini-batch: standardised features and targets, in buffers reused from batch to batch.</summary>
internal sealed class Batch
{
    internal Batch(int capacity, int features)
    {
        Features = new float[capacity * features];
        Classes = new int[capacity];
        Targets = new float[capacity];
        FeatureCount = features;
    }

    /// <summary>(B, F) row-major; only the first <see cref="Count"/> rows are valid.</summary>
    public float[] Features { get; }

    /// <summary>(B) class index per row (classification).</summary>
    public int[] Classes { get; }

    /// <summary>(B) standardised value per row (regression).</summary>
    public float[] Targets { get; }

    /// <summary>F</summary>
    public int FeatureCount { get; }

    /// <summary>Rows in this batch.</summary>
    public int Count { get; internal set; }
}
