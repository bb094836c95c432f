using Microsoft.ML;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Preprocessing;

namespace MlNetDeep.Trainers;

/// <summary>
/// Streams mini-batches from a cursor without loading the data whole: rows pass through a shuffle pool of
/// bounded size (a pool as large as the data gives a uniform shuffle). Features go through the model's
/// <see cref="FeaturePreprocessing"/> on the way, regression labels are standardised with the scan's statistics. Rows with a missing label are skipped. Deterministic for a given seed.
/// </summary>
internal sealed class ShuffledBatchReader
{
    private readonly SupervisedColumns _columns;
    private readonly FeaturePreprocessing? _preprocessing;
    private readonly DataScan _scan;
    private readonly int _batchSize;
    private readonly int _poolSize;

    /// <summary>Creates the reader.</summary>
    /// <param name="columns">Columns to read.</param>
    /// <param name="preprocessing">What the model does to each feature row (null: rows go to the network as read, e.g. token ids).</param>
    /// <param name="scan">Statistics used to standardise regression labels.</param>
    /// <param name="batchSize">Rows per batch.</param>
    /// <param name="poolSize">Rows held for shuffling.</param>
    public ShuffledBatchReader(SupervisedColumns columns, FeaturePreprocessing? preprocessing, DataScan scan, int batchSize, int poolSize)
    {
        _columns = columns; _preprocessing = preprocessing; _scan = scan; _batchSize = batchSize; _poolSize = Math.Max(poolSize, 1);
    }

    /// <summary>
    /// Yields the batches of one pass. The same <see cref="Batch"/> object is refilled each time: consume it before
    /// moving on. With <paramref name="rng"/> null, rows keep their order (validation).
    /// </summary>
    /// <param name="data">Data view to read.</param>
    /// <param name="rng">Shuffling source, or null for the stored order.</param>
    /// <param name="augment">Changes each training image before its preprocessing, with its generator; null for none.</param>
    public IEnumerable<Batch> Read(IDataView data, Rng? rng, (ImageAugmenter Augmenter, Rng Rng)? augment = null)
    {
        int f = _columns.Input.Count;
        var batch = new Batch(_batchSize, f);
        using var cursor = data.GetRowCursor(_columns.Active(data.Schema));
        var reader = _columns.CreateReader(cursor);
        int poolCapacity = rng is null ? 1 : _poolSize;
        var poolFeatures = new float[poolCapacity * f];
        var poolTargets = new float[poolCapacity];
        int filled = 0;

        while (cursor.MoveNext())
        {
            float target = reader.ReadTarget();
            if (RowReader.IsMissing(target, _columns.Target)) continue;
            if (filled < poolCapacity)
            {
                reader.ReadFeatures(poolFeatures.AsSpan(filled * f, f));
                poolTargets[filled++] = target;
                if (filled < poolCapacity) continue;
            }
            else
            {
                // Pool full: emit a random resident row, then put the new row in its slot.
                int slot = rng!.NextInt(poolCapacity);
                Append(batch, poolFeatures.AsSpan(slot * f, f), poolTargets[slot], augment);
                reader.ReadFeatures(poolFeatures.AsSpan(slot * f, f));
                poolTargets[slot] = target;
                if (batch.Count == _batchSize) { yield return batch; batch.Count = 0; }
                continue;
            }
            if (rng is null)
            {
                Append(batch, poolFeatures.AsSpan(0, f), poolTargets[0], augment);
                filled = 0;
                if (batch.Count == _batchSize) { yield return batch; batch.Count = 0; }
            }
        }

        // Drain what is left in the pool in random order.
        var order = Enumerable.Range(0, filled).ToArray();
        rng?.Shuffle<int>(order);
        foreach (int slot in order)
        {
            Append(batch, poolFeatures.AsSpan(slot * f, f), poolTargets[slot], augment);
            if (batch.Count == _batchSize) { yield return batch; batch.Count = 0; }
        }
        if (batch.Count > 0) yield return batch;
    }

    private void Append(Batch batch, ReadOnlySpan<float> features, float target, (ImageAugmenter Augmenter, Rng Rng)? augment)
    {
        int r = batch.Count++;
        int f = _columns.Input.Count;
        var destination = batch.Features.AsSpan(r * f, f);
        features.CopyTo(destination);
        augment?.Augmenter.Apply(destination, augment.Value.Rng); // raw pixels: padding is black, as in PyTorch
        if (_preprocessing is not null) target -= _preprocessing.Apply(destination);
        if (_columns.Target == TargetKind.Classification) batch.Classes[r] = (int)target;
        else batch.Targets[r] = (target - _scan.LabelMean) / _scan.LabelStd;
    }
}
