using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// Every exported file describes itself in <c>mlnetdeep.model</c> (docs/onnx-metadata.md): these tests decode that JSON
/// and check it against the ML.NET model — the class names are the predicted label's key values, and a reader that
/// knows only the metadata (for text: the vocabulary, normalisation and token unit) scores like ML.NET.
/// </summary>
public class OnnxMetadataTests
{
    private static JsonElement Model(byte[] onnx, out InferenceSession session)
    {
        session = new InferenceSession(onnx);
        var json = JsonDocument.Parse(session.ModelMetadata.CustomMetadataMap["mlnetdeep.model"]).RootElement;
        Assert.Equal(1, json.GetProperty("format_version").GetInt32());
        return json;
    }

    [Fact]
    public void AClassifierNamesItsClassesInOutputOrderAndDescribesItsInput()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.View(ml, SyntheticData.Blobs(150, 1));
        var trainer = ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options { NumberOfEpochs = 2, Seed = 1 });
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(data);
        var json = Model(trainer.LastTrainingReport!.OnnxModel, out var session);
        using (session)
        {
            Assert.Equal("classification", json.GetProperty("task").GetString());
            VBuffer<ReadOnlyMemory<char>> keys = default;
            model.GetOutputSchema(data.Schema)["PredictedLabel"].GetKeyValues(ref keys);
            Assert.Equal(keys.DenseValues().Select(k => k.ToString()), json.GetProperty("class_names").EnumerateArray().Select(e => e.GetString()));
            Assert.StartsWith("float32 [N, 4]", json.GetProperty("inputs").GetProperty("Features").GetString());
            Assert.Equal(2, json.GetProperty("training").GetProperty("epochs_trained").GetInt32());
            Assert.Equal("mlp", json.GetProperty("architecture").GetProperty("architecture").GetString());
        }
    }

    [Fact]
    public void ARegressorHasNoClassNames()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.DeepLearning().Regression.Mlp(new MlpRegressor.Options { NumberOfEpochs = 1, Seed = 1 });
        trainer.Fit(SyntheticData.View(ml, SyntheticData.Curve(100, 1)));
        var json = Model(trainer.LastTrainingReport!.OnnxModel, out var session);
        session.Dispose();
        Assert.Equal("regression", json.GetProperty("task").GetString());
        Assert.False(json.TryGetProperty("class_names", out _));
    }

    [Theory]
    [InlineData(TokenUnit.Words)]
    [InlineData(TokenUnit.Characters)]
    public void ATextReaderWithOnlyTheMetadataScoresLikeMlNet(TokenUnit unit)
    {
        var ml = new MLContext(seed: 1);
        var options = new TextClassifier.Options { TokenUnit = unit, MaximumLength = unit == TokenUnit.Words ? 12 : 60, EmbeddingSize = 8,
            Cnn = new TextCnnArchitecture { FiltersPerKernel = 4 }, NumberOfEpochs = 2, Seed = 1 };
        var trainer = ml.DeepLearning().MulticlassClassification.Text(options);
        var data = ml.Data.LoadFromEnumerable(TextClassifierTests.Reviews(200, 1));
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(data);
        var json = Model(trainer.LastTrainingReport!.OnnxModel, out var session);
        using (session)
        {
            var text = json.GetProperty("text");
            Assert.Equal(unit == TokenUnit.Words ? "words" : "characters", text.GetProperty("token_unit").GetString());
            Assert.Contains("lower-case", text.GetProperty("normalization").GetString());
            var vocabulary = text.GetProperty("vocabulary").EnumerateArray().Select(e => e.GetString()!).ToList();
            string input = json.GetProperty("inputs").EnumerateObject().Single().Name;

            // Lower-case texts without punctuation, so the normalisation is the identity; "zebra" is not in the vocabulary.
            string[] texts = ["the movie was great", "awful plot and boring", "zebra", ""];
            var engine = ml.Model.CreatePredictionEngine<TextClassifierTests.Review, Scores>(model);
            foreach (string t in texts)
            {
                var tokens = unit == TokenUnit.Words ? t.Split(' ', StringSplitOptions.RemoveEmptyEntries) : t.Select(c => c.ToString()).ToArray();
                uint[] keys = tokens.Select(token => (uint)(vocabulary.IndexOf(token) + 1)).ToArray(); // −1 + 1 = 0: unknown
                using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, new DenseTensor<uint>(keys, [1, keys.Length]))]);
                float[] fromFile = results.First(r => r.Name == "Score").AsTensor<float>().ToArray();
                Assert.Equal(engine.Predict(new TextClassifierTests.Review { Text = t }).Score, fromFile);
            }
        }
    }

    public sealed class Scores
    {
        public float[] Score { get; set; } = [];
    }
}
