using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Onnx;
using MlNetDeep.Estimators.Tests.Support;
using MlNetDeep.Transforms.Batching;

namespace MlNetDeep.Estimators.Tests;

/// <summary>How a <see cref="BatchScorer"/> behaves around the values: laziness and bounded reading, foreach, threads, bad input, GPU fallback.</summary>
public class BatchScorerBehaviourTests
{
    private static (MLContext Ml, ITransformer Loaded) LoadedMlp()
    {
        var (ml, model, train) = BatchScorerTests.MlpClassifier();
        var fresh = new MLContext(seed: 1);
        return (fresh, BatchScorerTests.SaveLoad(ml, model, train.Schema, fresh));
    }

    /// <summary>Curve rows made on demand, counting how many the source has handed out.</summary>
    private sealed class CountingRows(int count) : IEnumerable<CurveRow>
    {
        private int _served;

        public int Served => Volatile.Read(ref _served);

        public IEnumerator<CurveRow> GetEnumerator()
        {
            var rng = new Random(3);
            for (int i = 0; i < count; i++)
            {
                Interlocked.Increment(ref _served);
                yield return new CurveRow { Features = [.. Enumerable.Range(0, 3).Select(_ => 4 * rng.NextSingle() - 2)] };
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static (MLContext Ml, ITransformer Loaded) LoadedMlpRegressor()
    {
        var ml = new MLContext(seed: 1);
        var train = SyntheticData.View(ml, SyntheticData.Curve(60, 1));
        var model = ml.DeepLearning().Regression.Mlp(new MlpRegressor.Options { HiddenLayers = [8], NumberOfEpochs = 1, Seed = 1 }).Fit(train);
        var fresh = new MLContext(seed: 1);
        return (fresh, BatchScorerTests.SaveLoad(ml, model, train.Schema, fresh));
    }

    [Fact]
    public void TransformIsLazyAndStreamsOneBatchAtATime()
    {
        // The regressor has no stage before its ONNX one, so the source's cursor is the batched stage's upstream cursor:
        // a row being served lies in the batch read last, so the source is never more than one batch ahead. (The stages
        // after it are ML.NET's, whose cursors may read ahead on other threads: see the next test.)
        var (ml, loaded) = LoadedMlpRegressor();
        const int total = 50_000, batch = 64;
        var source = new CountingRows(total);
        using var scorer = new BatchScorer(ml, loaded, new BatchScoringOptions { BatchSize = batch });
        var scored = scorer.TransformToOnnxStage(ml.Data.LoadFromEnumerable(source));
        Assert.Equal(0, source.Served); // nothing read before a cursor moves

        var column = scored.Schema["MlNetDeep_Score"]; // the ONNX output, float [N, 1]
        using var cursor = scored.GetRowCursor([column]);
        var score = cursor.GetGetter<VBuffer<float>>(column);
        int rows = 0;
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            rows++;
            Assert.InRange(source.Served, rows, Math.Min(total, ((rows - 1) / batch + 1) * batch));
            score(ref value);
            Assert.True(value.Length == 1 && float.IsFinite(value.GetItemOrDefault(0)));
        }
        Assert.Equal(total, rows);
        Assert.Equal(total, source.Served);
    }

    [Fact]
    public void AllColumnsOfManyRowsStreamWithBoundedReadAhead()
    {
        // With every column asked for, ML.NET's own cursors around the stages may read a few hundred rows ahead on other
        // threads (as they do for model.Transform); the batched stage adds at most one batch to that.
        var (ml, loaded) = LoadedMlpRegressor();
        const int total = 30_000;
        var source = new CountingRows(total);
        using var scorer = new BatchScorer(ml, loaded);
        var scored = scorer.Transform(ml.Data.LoadFromEnumerable(source));
        Assert.Equal(0, source.Served);
        using var cursor = scored.GetRowCursor(scored.Schema);
        int rows = 0;
        while (cursor.MoveNext())
        {
            rows++;
            Assert.True(source.Served - rows <= 4096, $"{source.Served} rows read while serving row {rows}");
        }
        Assert.Equal(total, rows);
    }

    [Fact]
    public void ForeachThroughCreateEnumerableGivesTheModelsPredictions()
    {
        var (ml, loaded) = LoadedMlp();
        var data = ml.Data.LoadFromEnumerable(BatchScorerTests.BlobsWithNonFinite(150, 4));
        using var scorer = new BatchScorer(ml, loaded);
        Assert.Equal(BatchScoringOptions.Defaults.BatchSize, scorer.BatchSize);
        var expected = ml.Data.CreateEnumerable<ClassPrediction>(loaded.Transform(data), reuseRowObject: false).ToList();
        int i = 0;
        foreach (var row in ml.Data.CreateEnumerable<ClassPrediction>(scorer.Transform(data), reuseRowObject: false))
        {
            Assert.Equal(expected[i].PredictedClass, row.PredictedClass);
            Assert.Equal(expected[i].Score, row.Score);
            i++;
        }
        Assert.Equal(150, i);
        Assert.Contains(expected, p => p.Score.All(float.IsNaN) && p.PredictedClass == ""); // the NaN rows are among them
    }

    [Fact]
    public void MlNetConsumersReadItAsTheyReadTransform()
    {
        var (ml, loaded) = LoadedMlp();
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Blobs(130, 10));
        using var scorer = new BatchScorer(ml, loaded);
        var expected = ml.MulticlassClassification.Evaluate(loaded.Transform(data));
        var actual = ml.MulticlassClassification.Evaluate(scorer.Transform(data));
        Assert.Equal(expected.MicroAccuracy, actual.MicroAccuracy);
        Assert.Equal(expected.LogLoss, actual.LogLoss);
        Assert.Equal(expected.ConfusionMatrix.Counts, actual.ConfusionMatrix.Counts);
        var cached = ml.Data.Cache(scorer.Transform(data)); // a consumer that reads it with several cursors
        Assert.Equal(loaded.Transform(data).GetColumn<float[]>("Score"), cached.GetColumn<float[]>("Score"));

        var empty = ml.Data.LoadFromEnumerable(new List<BlobRow>());
        Assert.Empty(scorer.Transform(empty).GetColumn<float[]>("Score"));
    }

    [Fact]
    public async Task TwoThreadsScoreAtOnceWithOneScorer()
    {
        var (ml, loaded) = LoadedMlp();
        var first = ml.Data.LoadFromEnumerable(SyntheticData.Blobs(3000, 5));
        var second = ml.Data.LoadFromEnumerable(BatchScorerTests.BlobsWithNonFinite(2500, 6));
        float[][] Expected(IDataView d) => [.. loaded.Transform(d).GetColumn<float[]>("Score")];
        var want = new[] { Expected(first), Expected(second) };
        using var scorer = new BatchScorer(ml, loaded, new BatchScoringOptions { BatchSize = 32 });
        using var start = new Barrier(2);
        var jobs = new[] { first, second }.Select(d => Task.Run(() =>
        {
            start.SignalAndWait();
            return scorer.Transform(d).GetColumn<float[]>("Score").ToArray();
        })).ToArray();
        var results = await Task.WhenAll(jobs);
        Assert.Equal(want[0], results[0]);
        Assert.Equal(want[1], results[1]);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var (ml, loaded) = LoadedMlp();
        Assert.Equal("mlContext", Assert.Throws<ArgumentNullException>(() => new BatchScorer(null!, loaded)).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new BatchScorer(ml, null!)).ParamName);
        using (var scorer = new BatchScorer(ml, loaded))
            Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => scorer.Transform(null!)).ParamName);

        var size = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchScorer(ml, loaded, new BatchScoringOptions { BatchSize = 0 }));
        Assert.Equal("BatchSize", size.ParamName);
        Assert.Contains("BatchSize must be ≥ 1", size.Message);
        Assert.Equal("IntraOpThreads", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchScorer(ml, loaded, new BatchScoringOptions { IntraOpThreads = 0 })).ParamName);
        Assert.Equal("GpuDeviceId", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchScorer(ml, loaded, new BatchScoringOptions { GpuDeviceId = -1 })).ParamName);

        var data = ml.Data.LoadFromEnumerable(SyntheticData.Blobs(5, 1));
        var noOnnx = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data);
        var ex = Assert.Throws<ArgumentException>(() => new BatchScorer(ml, noOnnx));
        Assert.Equal("model", ex.ParamName);
        Assert.Contains("The model has no ONNX stage", ex.Message);
        Assert.Contains("ValueToKeyMappingTransformer", ex.Message);

        var disposed = new BatchScorer(ml, loaded);
        disposed.Dispose();
        disposed.Dispose(); // twice is fine
        Assert.Throws<ObjectDisposedException>(() => disposed.Transform(data));
    }

    private sealed class LabelOnly
    {
        public string Label { get; set; } = "";
    }

    [Fact]
    public void DataWithoutTheModelsInputColumnIsRefusedNamingItAndEmptyDataGivesNoRows()
    {
        var (ml, loaded) = LoadedMlp();
        using var scorer = new BatchScorer(ml, loaded);
        var missing = ml.Data.LoadFromEnumerable(new[] { new LabelOnly { Label = "cat" } });
        var ex = Assert.ThrowsAny<ArgumentException>(() => scorer.Transform(missing));
        Assert.Contains("'Features'", ex.Message);
        var empty = scorer.Transform(ml.Data.LoadFromEnumerable(new List<BlobRow>()));
        Assert.Empty(empty.GetColumn<float[]>("Score"));
    }

    [Fact]
    public void TheSessionSettingsGiveTheSameScores()
    {
        var (ml, loaded) = LoadedMlp();
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Blobs(100, 7));
        var expected = loaded.Transform(data).GetColumn<float[]>("Score").ToArray();
        foreach (var level in Enum.GetValues<OnnxOptimizationLevel>())
        {
            using var scorer = new BatchScorer(ml, loaded, new BatchScoringOptions { GraphOptimizationLevel = level, IntraOpThreads = 2, BatchSize = 17 });
            var actual = scorer.Transform(data).GetColumn<float[]>("Score").ToArray();
            for (int r = 0; r < expected.Length; r++)
                for (int k = 0; k < expected[r].Length; k++)
                    Assert.Equal(expected[r][k], actual[r][k], 6); // other optimisations may round differently
        }
    }

    [Fact]
    public void TheOnnxBytesAreReadFromTheLoadedTransformer()
    {
        var ml = new MLContext(seed: 1);
        var train = SyntheticData.View(ml, SyntheticData.Blobs(60, 1));
        var trainer = ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options { HiddenLayers = [4], NumberOfEpochs = 1, Seed = 1 });
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(train);
        var fresh = new MLContext(seed: 1);
        var loaded = BatchScorerTests.SaveLoad(ml, model, train.Schema, fresh);
        var split = OnnxStageSplit.Of(loaded, "model");
        Assert.IsType<OnnxTransformer>(split.Onnx);
        Assert.Single(split.Before); // MapValueToKey (the trainer's chain is flattened into the user's)
        Assert.Equal(trainer.LastTrainingReport!.OnnxModel, OnnxStageModel.Bytes(fresh, split.Onnx));
    }

    [Fact]
    public void TheComparisonCatchesADifference()
    {
        // Control for BatchScorerAssert: two differently trained models must not compare equal.
        var (ml, model, train) = BatchScorerTests.MlpClassifier();
        var other = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options { HiddenLayers = [8], NumberOfEpochs = 2, Seed = 9 }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"))
            .Fit(train);
        using var scorer = new BatchScorer(ml, other);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => BatchScorerAssert.SameData(model.Transform(train), scorer.Transform(train)));
    }

    private static (MLContext Ml, List<string> Warnings) Context()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.Message); };
        return (ml, warnings);
    }

    [Fact]
    public void AGpuWithoutTheGpuRuntimeFallsBackToTheCpuAndSaysWhy()
    {
        var (_, loaded) = LoadedMlp();
        var (ml, warnings) = Context();
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Blobs(70, 8));
        using var scorer = new BatchScorer(ml, loaded, new BatchScoringOptions { GpuDeviceId = 0 });
        Assert.True(scorer.Device.FellBackToCpu);
        Assert.Equal(0, scorer.Device.RequestedGpuDeviceId);
        Assert.Contains("GPU device 0 cannot be used", scorer.Device.FallbackReason);
        Assert.Contains("CPU package Microsoft.ML.OnnxRuntime ", scorer.Device.FallbackReason);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu 1.32.0", scorer.Device.FallbackReason);
        var warning = Assert.Single(warnings, w => w.Contains("GPU device 0", StringComparison.Ordinal));
        Assert.EndsWith(scorer.Device.FallbackReason + " Falling back to the CPU.", warning);
        Assert.Contains("Source=BatchScorer", warning);
        BatchScorerAssert.SameData(loaded.Transform(data), scorer.Transform(data));

        using var cpu = new BatchScorer(ml, loaded);
        Assert.False(cpu.Device.FellBackToCpu);
        Assert.Null(cpu.Device.RequestedGpuDeviceId);
    }

    [Fact]
    public void AGpuWithoutTheGpuRuntimeThrowsWithoutFallback()
    {
        var (ml, loaded) = LoadedMlp();
        var ex = Assert.Throws<InvalidOperationException>(() => new BatchScorer(ml, loaded, new BatchScoringOptions { GpuDeviceId = 0, FallbackToCpu = false }));
        Assert.Contains("GPU device 0 cannot be used", ex.Message);
        Assert.Contains("CUDA 13", ex.Message);
        Assert.Contains("set FallbackToCpu = true", ex.Message);
    }

    [Fact]
    public void OnlyTheColumnsAskedForAreRead()
    {
        // Asking only for a source column must not run ONNX Runtime; asking for an output must give it.
        var (ml, loaded) = LoadedMlp();
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Blobs(10, 9));
        using var scorer = new BatchScorer(ml, loaded);
        var scored = scorer.Transform(data);
        Assert.Equal(loaded.Transform(data).GetColumn<uint>("Label"), scored.GetColumn<uint>("Label")); // a key after the model's MapValueToKey
        Assert.Equal(10, scored.GetColumn<string>("PredictedClass").Count());
        Assert.Equal(loaded.Transform(data).GetRowCount(), scored.GetRowCount());
    }
}

/// <summary>BatchScoringOptions documents each default in a <c>&lt;value&gt;Default X.&lt;/value&gt;</c> tag, as the trainers' options do, and the documented value is the real one.</summary>
public class BatchScorerOptionsDocumentationTests
{
    [Fact]
    public void DocumentedDefaultsAreTheRealOnes()
    {
        var type = typeof(BatchScoringOptions);
        string xml = Path.ChangeExtension(type.Assembly.Location, ".xml");
        var members = System.Xml.Linq.XDocument.Load(xml).Descendants("member").ToList();
        var defaults = new BatchScoringOptions();
        var properties = type.GetProperties().Where(p => p.SetMethod?.IsPublic == true).ToList();
        Assert.Equal(5, properties.Count);
        foreach (var property in properties)
        {
            var value = members.FirstOrDefault(m => (string?)m.Attribute("name") == $"P:{type.FullName}.{property.Name}")?.Descendants("value").FirstOrDefault();
            Assert.True(value is not null, $"{property.Name}: no <value>Default …</value> documentation");
            string documented = System.Text.RegularExpressions.Regex.Replace(value!.Value, @"\s+", " ").Trim();
            string actual = property.GetValue(defaults) switch { null => "null", bool b => b ? "true" : "false", var v => v.ToString()! };
            Assert.Equal($"Default {actual}.", documented);
        }
    }
}
