using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// A fitted model keeps one ONNX file under MLContext.TempFilePath while it lives and none once disposed: after Fit, after
/// Save → Load, and for every fold of CrossValidate. (ApplyOnnxModel(Stream) used to leave a copy per Fit that nothing deleted.)
/// </summary>
public class TempFileTests
{
    private static string[] Files(string dir) => Directory.GetFiles(dir, "*", SearchOption.AllDirectories);

    private static void InFreshFolder(Action<MLContext, string> test)
    {
        string dir = Directory.CreateTempSubdirectory("mlnetdeep-temp-files-").FullName;
        try
        {
            test(new MLContext(seed: 1) { TempFilePath = dir }, dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static IEstimator<ITransformer> Classifier(MLContext ml) => ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options { HiddenLayers = [4], NumberOfEpochs = 2, Seed = 1 }));

    [Fact]
    public void DisposingTheFittedModelLeavesNoFile()
    {
        InFreshFolder((ml, dir) =>
        {
            var data = SyntheticData.View(ml, SyntheticData.Blobs(30, 1));
            var model = Classifier(ml).Fit(data);
            Assert.Single(Files(dir)); // the model's ONNX file, deleted with the model
            Assert.Equal(30, model.Transform(data).GetColumn<float[]>("Score").Count());
            ((IDisposable)model).Dispose();
            Assert.Empty(Files(dir));

            var regressor = ml.DeepLearning().Regression.Mlp(new MlpRegressor.Options { HiddenLayers = [4], NumberOfEpochs = 2, Seed = 1 })
                .Fit(SyntheticData.View(ml, SyntheticData.Curve(20, 1)));
            Assert.Single(Files(dir));
            ((IDisposable)regressor).Dispose();
            Assert.Empty(Files(dir));
        });
    }

    [Fact]
    public void SaveLoadAndDisposeLeavesNoFile()
    {
        InFreshFolder((ml, dir) =>
        {
            var data = SyntheticData.View(ml, SyntheticData.Blobs(30, 2));
            using var stream = new MemoryStream();
            var model = Classifier(ml).Fit(data);
            ml.Model.Save(model, data.Schema, stream);
            ((IDisposable)model).Dispose();
            Assert.Empty(Files(dir));

            stream.Position = 0;
            var loaded = ml.Model.Load(stream, out _);
            Assert.Single(Files(dir));
            var engine = ml.Model.CreatePredictionEngine<BlobRow, ClassPrediction>(loaded);
            Assert.Equal(3, engine.Predict(SyntheticData.Blobs(1, 3)[0]).Score.Length);
            engine.Dispose();
            ((IDisposable)loaded).Dispose();
            Assert.Empty(Files(dir));
        });
    }

    [Fact]
    public void CrossValidationLeavesNoFileOnceTheFoldModelsAreDisposed()
    {
        InFreshFolder((ml, dir) =>
        {
            var data = SyntheticData.View(ml, SyntheticData.Blobs(60, 4));
            var folds = ml.MulticlassClassification.CrossValidate(data, Classifier(ml), numberOfFolds: 3);
            Assert.Equal(3, folds.Count);
            Assert.Equal(3, Files(dir).Length); // one per fold model
            foreach (var fold in folds) ((IDisposable)fold.Model).Dispose();
            Assert.Empty(Files(dir));
        });
    }
}
