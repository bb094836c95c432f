using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep;

/// <summary>Turns a time series into the (window → next value) rows the recurrent regressor learns from.</summary>
public static class SeriesWindows
{
    /// <summary>
    /// Every window of <paramref name="windowSize"/> consecutive values with the value after it as label. The last
    /// window (whose next value is not known yet) is included with Label = NaN, for forecasting one step ahead.
    /// </summary>
    /// <param name="series">Values in time order; NaN or ∞ is rejected.</param>
    /// <param name="windowSize">T, values per window (≥ 1).</param>
    public static List<SeriesWindow> Create(IReadOnlyList<float> series, int windowSize)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (windowSize < 1) throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "windowSize must be at least 1.");
        if (series.Count < windowSize + 1)
            throw new ArgumentException($"The series has {series.Count} values; a window of {windowSize} and its next value need at least {windowSize + 1}.", nameof(series));
        for (int i = 0; i < series.Count; i++)
            if (!float.IsFinite(series[i])) throw new ArgumentException($"The series holds {series[i]} at position {i}; values must be finite.", nameof(series));
        var rows = new List<SeriesWindow>(series.Count - windowSize + 1);
        for (int start = 0; start + windowSize <= series.Count; start++)
        {
            var window = new float[windowSize];
            for (int j = 0; j < windowSize; j++) window[j] = series[start + j];
            rows.Add(new SeriesWindow { Features = window, Label = start + windowSize < series.Count ? series[start + windowSize] : float.NaN });
        }
        return rows;
    }

    /// <summary>Loads windows as a data view whose Features column is a known-size vector (what the trainers require).</summary>
    /// <param name="ml">Context.</param>
    /// <param name="windows">Rows from <see cref="Create"/>.</param>
    public static IDataView ToDataView(MLContext ml, IReadOnlyList<SeriesWindow> windows)
    {
        if (windows.Count == 0) throw new ArgumentException("No windows.", nameof(windows));
        int size = windows[0].Features.Length;
        var schema = SchemaDefinition.Create(typeof(SeriesWindow));
        schema[nameof(SeriesWindow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return ml.Data.LoadFromEnumerable(windows, schema);
    }
}
