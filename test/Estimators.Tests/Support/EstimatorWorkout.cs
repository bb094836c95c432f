using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Estimators.Tests.Support;

/// <summary>
/// One workout per estimator (ML.NET's TestEstimatorCore): (a) the schema GetOutputSchema promises before Fit is the
/// schema the fitted model produces; (b) every input column the pipeline reads, when missing, fails Fit and
/// GetOutputSchema with an <see cref="ArgumentException"/> that names it; (c) Save → Load in a fresh MLContext gives the
/// same outputs, bit for bit, through Transform and through a PredictionEngine.
/// </summary>
internal static class EstimatorWorkout
{
    /// <summary>Runs the workout and returns the fitted model for the caller's own checks (accuracy, metadata…).</summary>
    /// <param name="ml">Context the pipeline was made with.</param>
    /// <param name="pipeline">Estimator (chain) ending with, or containing, an MlNetDeep trainer.</param>
    /// <param name="training">Training data, made with <paramref name="ml"/>.</param>
    /// <param name="rows">Rows to score before and after the round trip.</param>
    /// <param name="inputColumns">Columns of <paramref name="training"/> the pipeline needs.</param>
    /// <param name="schema">Schema definition for rows whose vector sizes are set at run time, or null.</param>
    public static ITransformer Run<TRow, TPrediction>(MLContext ml, IEstimator<ITransformer> pipeline, IDataView training, IReadOnlyList<TRow> rows,
        IReadOnlyList<string> inputColumns, SchemaDefinition? schema = null)
        where TRow : class
        where TPrediction : class, new()
    {
        foreach (string column in inputColumns) MissingColumnIsNamed(ml, pipeline, training, column);

        var promised = pipeline.GetOutputSchema(Schemas.Shape(training.Schema));
        var model = pipeline.Fit(training);
        var produced = Schemas.Shape(model.GetOutputSchema(training.Schema));
        Assert.Equal(produced.Select(c => c.Name).Order(), promised.Select(c => c.Name).Order());
        foreach (var column in produced)
        {
            var p = promised.Single(c => c.Name == column.Name);
            Assert.True(column.Kind == p.Kind && column.ItemType.Equals(p.ItemType) && column.IsKey == p.IsKey,
                $"column '{column.Name}': fitted {column.Kind} {column.ItemType}, promised {p.Kind} {p.ItemType}");
        }
        Assert.DoesNotContain(produced, c => c.Name.StartsWith("MlNetDeep_", StringComparison.Ordinal));

        using var stream = new MemoryStream();
        ml.Model.Save(model, training.Schema, stream);
        stream.Position = 0;
        var fresh = new MLContext();
        var loaded = fresh.Model.Load(stream, out var loadedSchema);
        foreach (string column in inputColumns) Assert.NotNull(loadedSchema.GetColumnOrNull(column));

        string[] Transformed(MLContext context, ITransformer transformer) => context.Data
            .CreateEnumerable<TPrediction>(transformer.Transform(context.Data.LoadFromEnumerable(rows, schema)), reuseRowObject: false)
            .Select(Describe).ToArray();
        string[] before = Transformed(ml, model);
        Assert.Equal(before, Transformed(fresh, loaded));
        var engine = fresh.Model.CreatePredictionEngine<TRow, TPrediction>(loaded, inputSchemaDefinition: schema);
        Assert.Equal(before, rows.Select(r => Describe(engine.Predict(r))).ToArray());
        return model;
    }

    private static void MissingColumnIsNamed(MLContext ml, IEstimator<ITransformer> pipeline, IDataView training, string column)
    {
        var without = ml.Transforms.DropColumns(column).Fit(training).Transform(training);
        var fit = Assert.ThrowsAny<ArgumentException>(() => pipeline.Fit(without));
        Assert.Contains($"'{column}'", fit.Message);
        var shape = Assert.ThrowsAny<ArgumentException>(() => pipeline.GetOutputSchema(Schemas.Shape(without.Schema)));
        Assert.Contains($"'{column}'", shape.Message);
    }

    /// <summary>Every public property, floats in round-trip form, so that equal strings mean equal bits.</summary>
    private static string Describe(object prediction) => string.Join("; ", prediction.GetType()
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => $"{p.Name} = {Format(p.GetValue(prediction))}"));

    private static string Format(object? value) => value switch
    {
        null => "null",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable items and not string => "[" + string.Join(", ", items.Cast<object?>().Select(Format)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
