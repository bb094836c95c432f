using Microsoft.ML.Data;

namespace MlNetDeep;

/// <summary>One training row for forecasting: a window of the series and the value that follows it.</summary>
public sealed class SeriesWindow
{
    /// <summary>T·F values, step after step.</summary>
    public float[] Features { get; set; } = [];

    /// <summary>The next value (NaN for the last window of a series, which has no next value yet).</summary>
    public float Label { get; set; }
}
