using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;

namespace MlNetDeep.Estimators.Tests.Support;

internal sealed class BlobRow
{
    [VectorType(4)]
    public float[] Features { get; set; } = [];

    public string Label { get; set; } = "";
}

internal sealed class CurveRow
{
    [VectorType(3)]
    public float[] Features { get; set; } = [];

    public float Label { get; set; }
}

internal sealed class ClassPrediction
{
    public string PredictedClass { get; set; } = "";

    public float[] Score { get; set; } = [];
}

internal sealed class ValuePrediction
{
    public float Score { get; set; }
}

/// <summary>Small deterministic data sets that an MLP learns in a few epochs.</summary>
internal static class SyntheticData
{
    public static readonly string[] Classes = ["cat", "dog", "bird"];

    /// <summary>Three Gaussian blobs in 4-D (well separated, with some overlap), labels as text.</summary>
    public static List<BlobRow> Blobs(int n, int seed)
    {
        var rng = new Rng(seed);
        float[][] centres = [[2, 0, 0, 1], [0, 2, 0, -1], [0, 0, 2, 0]];
        var rows = new List<BlobRow>();
        for (int i = 0; i < n; i++)
        {
            int c = rng.NextInt(3);
            rows.Add(new BlobRow
            {
                Features = centres[c].Select(v => v * 3 + 100f + (float)rng.NextGaussian()).ToArray(), // far from 0: standardisation matters
                Label = Classes[c],
            });
        }
        return rows;
    }

    /// <summary>y = 50 + 10·sin(x0) + 5·x1·x2 + noise, with x ~ U(−2, 2).</summary>
    public static List<CurveRow> Curve(int n, int seed)
    {
        var rng = new Rng(seed);
        var rows = new List<CurveRow>();
        for (int i = 0; i < n; i++)
        {
            float[] x = [rng.Uniform(-2, 2), rng.Uniform(-2, 2), rng.Uniform(-2, 2)];
            rows.Add(new CurveRow { Features = x, Label = 50 + 10 * MathF.Sin(x[0]) + 5 * x[1] * x[2] + 0.1f * (float)rng.NextGaussian() });
        }
        return rows;
    }

    public static IDataView View<T>(MLContext ml, IEnumerable<T> rows) where T : class => ml.Data.LoadFromEnumerable(rows);
}
