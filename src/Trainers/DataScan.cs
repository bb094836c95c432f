using Microsoft.ML;
using MlNetDeep.Engine.Preprocessing;

namespace MlNetDeep.Trainers;

/// <summary>
/// One streaming pass over a data view before training: validates every value (so bad data fails before
/// any training starts) and learns per-feature mean and standard deviation (and the label's, for
/// regression), from which the estimator's task makes the model's <see cref="FeaturePreprocessing"/>.
/// </summary>
internal sealed class DataScan
{
    private readonly double[] _featureVariance;

    private DataScan(long rows, long skipped, float[] featureMean, float[] featureStd, double[] featureVariance, float labelMean, float labelStd)
    {
        _featureVariance = featureVariance;
        Rows = rows; SkippedRows = skipped;
        FeatureMean = featureMean; FeatureStd = featureStd;
        LabelMean = labelMean; LabelStd = labelStd;
    }

    /// <summary>Rows with a label (used for training).</summary>
    public long Rows { get; }

    /// <summary>Rows skipped because their label is missing (key 0 or NaN).</summary>
    public long SkippedRows { get; }

    /// <summary>(F) mean of each feature.</summary>
    public float[] FeatureMean { get; }

    /// <summary>(F) standard deviation of each feature; 1 where a feature is constant (so it is only centred).</summary>
    public float[] FeatureStd { get; }

    /// <summary>Mean of the regression label (0 for classification).</summary>
    public float LabelMean { get; }

    /// <summary>Standard deviation of the regression label (1 for classification or a constant label).</summary>
    public float LabelStd { get; }

    /// <summary>
    /// Scans <paramref name="data"/>; throws <see cref="InvalidOperationException"/> naming the column and row on NaN/∞,
    /// or on a row with too many tokens when <see cref="FeatureInput.RejectLongerRows"/> is set. Statistics are those of
    /// rows made relative (<see cref="FeatureInput.RelativeStepSize"/>), as the network sees them.
    /// </summary>
    /// <param name="data">Training or validation data.</param>
    /// <param name="columns">Columns to read.</param>
    /// <param name="dataName">"training data" or "validation data", for messages.</param>
    /// <param name="cancellationToken">Checked every 1,024 rows.</param>
    public static DataScan Run(IDataView data, SupervisedColumns columns, string dataName, CancellationToken cancellationToken = default)
    {
        var input = columns.Input;
        int f = input.Count;
        var sum = new double[f];
        var sumSq = new double[f];
        var row = new float[f];
        double labelSum = 0, labelSumSq = 0;
        long rows = 0, skipped = 0, index = -1;
        using var cursor = data.GetRowCursor(columns.Active(data.Schema));
        var reader = columns.CreateReader(cursor);
        while (cursor.MoveNext())
        {
            index++;
            if ((index & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            float target = reader.ReadTarget();
            if (RowReader.IsMissing(target, columns.Target)) { skipped++; continue; }
            if (!float.IsFinite(target))
                throw new InvalidOperationException(FormattableString.Invariant($"Column '{columns.LabelColumn}' holds {target} in row {index} of the {dataName}; labels must be finite."));
            reader.ReadFeatures(row);
            if (input.RejectLongerRows is { } reject && reader.TokenCount > f)
                throw new InvalidOperationException(FormattableString.Invariant(
                    $"Column '{reject.SourceColumn}' has {reader.TokenCount} tokens in row {index} of the {dataName}, more than the {f} the network reads. {reject.Remedy}"));
            for (int j = 0; j < f; j++)
            {
                float v = row[j];
                if (!float.IsFinite(v))
                    throw new InvalidOperationException(
                        FormattableString.Invariant($"Column '{input.Column}' holds {v} at slot {j} of row {index} of the {dataName}; features must be finite numbers."));
            }
            target -= FeaturePreprocessing.MakeRelative(row, input.RelativeStepSize);
            for (int j = 0; j < f; j++)
            {
                float v = row[j];
                sum[j] += v;
                sumSq[j] += (double)v * v;
            }
            labelSum += target;
            labelSumSq += (double)target * target;
            rows++;
        }
        if (rows == 0)
            throw new InvalidOperationException(skipped == 0
                ? $"The {dataName} has no rows."
                : $"The {dataName} has no rows with a label: all {skipped} rows have a missing '{columns.LabelColumn}'.");

        var mean = new float[f];
        var std = new float[f];
        var variances = new double[f];
        for (int j = 0; j < f; j++)
        {
            double m = sum[j] / rows;
            double variance = Math.Max(sumSq[j] / rows - m * m, 0);
            variances[j] = variance;
            bool standardise = input.Kind == FeatureKind.Dense; // token ids are never standardised
            mean[j] = standardise ? (float)m : 0f;
            std[j] = standardise ? StdOrOne(variance) : 1f;
        }
        float labelMean = 0, labelStd = 1;
        if (columns.Target == TargetKind.Regression)
        {
            double m = labelSum / rows;
            labelMean = (float)m;
            labelStd = StdOrOne(Math.Max(labelSumSq / rows - m * m, 0));
        }
        return new DataScan(rows, skipped, mean, std, variances, labelMean, labelStd);
    }

    /// <summary>Standardisation of each slot with the scanned statistics: (F) means and standard deviations.</summary>
    /// <param name="relativeStepSize">See <see cref="FeatureInput.RelativeStepSize"/>: the scan's statistics are of rows made relative.</param>
    public FeaturePreprocessing PerSlot(int relativeStepSize = 0) => new(FeatureMean, FeatureStd, relativeStepSize);

    /// <summary>
    /// Standardisation of each channel: features are C planes of F/C slots (images in CHW order), and each plane gets its
    /// own mean and standard deviation (pooled over its slots), or the given values.
    /// </summary>
    /// <param name="channels">C, which must divide F.</param>
    /// <param name="means">(C) means to use instead of the measured ones, or null.</param>
    /// <param name="stds">(C) standard deviations to use instead of the measured ones, or null.</param>
    /// <returns>Preprocessing with (C) means and standard deviations.</returns>
    public FeaturePreprocessing PerChannel(int channels, float[]? means = null, float[]? stds = null)
    {
        int f = FeatureMean.Length;
        if (channels < 1 || f % channels != 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, $"{f} features do not split into {channels} channels.");
        int plane = f / channels;
        var mean = new float[channels];
        var std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double m = 0, second = 0;
            for (int j = c * plane; j < (c + 1) * plane; j++)
            {
                m += FeatureMean[j];
                second += _featureVariance[j] + (double)FeatureMean[j] * FeatureMean[j];
            }
            m /= plane;
            mean[c] = means?[c] ?? (float)m;
            std[c] = stds?[c] ?? StdOrOne(Math.Max(second / plane - m * m, 0));
        }
        return new FeaturePreprocessing(mean, std);
    }

    // A (near-)constant column would divide by ~0: scale it by 1 instead.
    private static float StdOrOne(double variance) => variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
}
