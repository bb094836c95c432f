using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

/// <summary>The test machines have only the CPU runtime package: asking for a GPU must fall back with a clear message.</summary>
public class GpuFallbackTests
{
    private static MlpRegressor.Options Options(bool fallback) => new()
    {
        HiddenLayers = [4], NumberOfEpochs = 1, Seed = 1, GpuDeviceId = 0, FallbackToCpu = fallback,
    };

    [Fact]
    public void FallsBackToCpuAndSaysWhy()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.Message); };
        var model = ml.DeepLearning().Regression.Mlp(Options(fallback: true)).Fit(SyntheticData.View(ml, SyntheticData.Curve(20, 1)));
        var scores = model.Transform(SyntheticData.View(ml, SyntheticData.Curve(5, 2))).GetColumn<float>("Score").ToArray();
        Assert.All(scores, s => Assert.True(float.IsFinite(s)));
        var message = Assert.Single(warnings, w => w.Contains("GPU device 0", StringComparison.Ordinal));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", message);
        Assert.Contains("Falling back to the CPU", message);
    }

    [Fact]
    public void WithoutFallbackTheErrorNamesTheMissingPackage()
    {
        var ml = new MLContext(seed: 1);
        var ex = Assert.Throws<InvalidOperationException>(() =>
            ml.DeepLearning().Regression.Mlp(Options(fallback: false)).Fit(SyntheticData.View(ml, SyntheticData.Curve(20, 1))));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", ex.Message);
        Assert.Contains("FallbackToCpu", ex.Message);
    }
}
