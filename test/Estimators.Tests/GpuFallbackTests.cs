using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetDeep.Estimators.Tests.Support;
using MlNetDeep.Transforms;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// The test projects reference only the CPU runtime package (Microsoft.ML.OnnxRuntime): asking for a GPU must fall back
/// with a message that names the CPU package, the GPU package to use instead and the CUDA/cuDNN it needs, or throw that
/// message when FallbackToCpu is false; the CPU scores are the same as without a GPU request. The GPU package and the
/// no-native-package cases run in separate apps: scripts/test-gpu-runtimes.sh.
/// </summary>
public class GpuFallbackTests
{
    private static MlpClassifier.Options Options(int? gpu, bool fallback, IProgress<EpochReport>? progress = null) => new()
    {
        HiddenLayers = [4], NumberOfEpochs = 2, Seed = 1, GpuDeviceId = gpu, FallbackToCpu = fallback, Progress = progress,
    };

    private sealed class EpochCounter : IProgress<EpochReport>
    {
        public int Epochs;

        public void Report(EpochReport value) => Interlocked.Increment(ref Epochs);
    }

    private static (MLContext Ml, List<string> Warnings) Context()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.Message); };
        return (ml, warnings);
    }

    private static ITransformer Fit(MLContext ml, int? gpu, bool fallback, IProgress<EpochReport>? progress = null) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.DeepLearning().MulticlassClassification.Mlp(Options(gpu, fallback, progress)))
            .Fit(SyntheticData.View(ml, SyntheticData.Blobs(60, 1)));

    private static float[][] Scores(MLContext ml, ITransformer model) =>
        model.Transform(SyntheticData.View(ml, SyntheticData.Blobs(10, 2))).GetColumn<float[]>("Score").ToArray();

    private static void AssertNamesCpuPackageAndGpuNeeds(string message)
    {
        Assert.Contains("GPU device 0 cannot be used", message);
        Assert.Contains("CPU package Microsoft.ML.OnnxRuntime ", message);
        Assert.Contains("no CUDA provider", message);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu 1.32.0", message);
        Assert.Contains("CUDA 13", message);
        Assert.Contains("cuDNN 9", message);
        Assert.DoesNotContain("CUDA 12", message);
    }

    [Fact]
    public void TheTestsRunOnTheCpuPackage()
    {
        Assert.Equal(NativeRuntimeKind.Cpu, OnnxRuntimeNative.Kind);
        Assert.StartsWith("1.32.", OnnxRuntimeNative.Version);
        Assert.Equal(["CPUExecutionProvider"], OnnxRuntimeNative.Providers);
    }

    [Fact]
    public void FitFallsBackToCpuSaysWhyAndScoresAsOnTheCpu()
    {
        var (ml, warnings) = Context();
        var model = Fit(ml, gpu: 0, fallback: true);
        var message = Assert.Single(warnings, w => w.Contains("GPU device 0", StringComparison.Ordinal));
        AssertNamesCpuPackageAndGpuNeeds(message);
        Assert.EndsWith("Falling back to the CPU.", message);

        var (cpuMl, cpuWarnings) = Context();
        var cpu = Fit(cpuMl, gpu: null, fallback: true);
        Assert.DoesNotContain(cpuWarnings, w => w.Contains("GPU", StringComparison.Ordinal));
        Assert.Equal(Scores(cpuMl, cpu), Scores(ml, model));
    }

    [Fact]
    public void FitWithoutFallbackThrowsTheCauseBeforeTraining()
    {
        var (ml, _) = Context();
        var epochs = new EpochCounter();
        var ex = Assert.Throws<InvalidOperationException>(() => Fit(ml, gpu: 0, fallback: false, epochs));
        Assert.Equal(0, epochs.Epochs);
        AssertNamesCpuPackageAndGpuNeeds(ex.Message);
        Assert.Contains("set FallbackToCpu = true", ex.Message);
    }

    private static string SavedModel(out float[][] cpuScores)
    {
        var ml = new MLContext(seed: 1);
        var model = Fit(ml, gpu: null, fallback: true);
        string path = Path.Combine(Path.GetTempPath(), $"mlnetdeep-gpu-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, SyntheticData.View(ml, SyntheticData.Blobs(1, 1)).Schema, path);
        cpuScores = Scores(ml, model);
        return path;
    }

    [Fact]
    public void LoadForGpuFallsBackReportsWhyAndScoresAsOnTheCpu()
    {
        string path = SavedModel(out var cpuScores);
        try
        {
            var (ml, warnings) = Context();
            bool fallbackBefore = ml.FallbackToCpu;
            var model = DeepLearningModel.Load(ml, path, gpuDeviceId: 0, fallbackToCpu: true, out var schema, out var device);
            Assert.True(device.FellBackToCpu);
            Assert.Equal(0, device.RequestedGpuDeviceId);
            Assert.Null(device.GpuDeviceId);
            AssertNamesCpuPackageAndGpuNeeds(device.FallbackReason!);
            Assert.StartsWith("CPU (fell back from GPU 0: ", device.ToString());
            var warning = Assert.Single(warnings, w => w.Contains("GPU device 0", StringComparison.Ordinal));
            Assert.EndsWith(device.FallbackReason + " Falling back to the CPU.", warning);
            Assert.Contains("Source=DeepLearningModel; Load", warning);
            Assert.NotNull(schema.GetColumnOrNull("Features"));
            Assert.Equal(cpuScores, Scores(ml, model));
            Assert.Null(ml.GpuDeviceId); // the context's settings are restored
            Assert.Equal(fallbackBefore, ml.FallbackToCpu);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void LoadForGpuWithoutFallbackThrowsTheCause()
    {
        string path = SavedModel(out _);
        try
        {
            var (ml, _) = Context();
            var ex = Assert.Throws<InvalidOperationException>(() => DeepLearningModel.Load(ml, path, 0, fallbackToCpu: false, out _, out _));
            AssertNamesCpuPackageAndGpuNeeds(ex.Message);
            Assert.Contains("set FallbackToCpu = true", ex.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void LoadForCpuFromAStreamReportsTheCpu()
    {
        string path = SavedModel(out var cpuScores);
        try
        {
            var (ml, warnings) = Context();
            using var stream = File.OpenRead(path);
            var model = DeepLearningModel.Load(ml, stream, gpuDeviceId: null, fallbackToCpu: false, out _, out var device);
            Assert.False(device.FellBackToCpu);
            Assert.Null(device.GpuDeviceId);
            Assert.Null(device.FallbackReason);
            Assert.Equal("CPU", device.ToString());
            Assert.Empty(warnings);
            Assert.Equal(cpuScores, Scores(ml, model));
        }
        finally { File.Delete(path); }
    }

    /// <summary>What the README says of plain Model.Load with GpuDeviceId set and the CPU package: ML.NET's fallback does not catch it.</summary>
    [Fact]
    public void PlainModelLoadWithGpuAndTheCpuPackageFailsEvenWithFallback()
    {
        string path = SavedModel(out _);
        try
        {
            var ml = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };
            var ex = Assert.ThrowsAny<Exception>(() => ml.Model.Load(path, out _));
            var inner = ex;
            while (inner.InnerException is not null) inner = inner.InnerException;
            Assert.IsType<EntryPointNotFoundException>(inner);
            Assert.Contains("OrtSessionOptionsAppendExecutionProvider_CUDA", inner.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void OrtLogLinesNameTheLibraryThatFailedToLoad()
    {
        // The line ORT 1.32 (GPU package) logged on this machine, without CUDA (docs/ml-net-6-and-onnx-runtime-1.32.md).
        string[] log =
        [
            "some warning",
            "/onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:2216 operator() Failed to load library " +
            "/app/runtimes/linux-x64/native/libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory",
        ];
        Assert.Equal("libcublasLt.so.13: cannot open shared object file: No such file or directory", OnnxRuntimeNative.ProviderLoadError(log));
        Assert.Null(OnnxRuntimeNative.ProviderLoadError(["nothing about the provider"]));
    }

    [Fact]
    public void LoaderMessagesNameTheMissingDependency()
    {
        // .NET's DllNotFoundException for the CUDA provider on a machine without CUDA: the tried paths, each with dlerror.
        string message = "Unable to load shared library '/app/native/libonnxruntime_providers_cuda.so' or one of its dependencies. In order to help " +
            "diagnose loading problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: \n" +
            "libcublasLt.so.13: cannot open shared object file: No such file or directory\n" +
            "/app/native/libonnxruntime_providers_cuda.so.so: cannot open shared object file: No such file or directory\n";
        Assert.Equal("libcublasLt.so.13: cannot open shared object file: No such file or directory", OnnxRuntimeNative.MissingDependency(message));
        Assert.Null(OnnxRuntimeNative.MissingDependency("/app/native/libonnxruntime_providers_cuda.so: undefined symbol: Provider_GetHost"));
        Assert.Null(OnnxRuntimeNative.MissingDependency("/app/native/libonnxruntime_providers_cuda.so: cannot open shared object file: No such file or directory"));
    }

    [Fact]
    public void GpuFailuresAreToldApartFromModelErrors()
    {
        Assert.True(GpuDiagnosis.IsGpuFailure(new InvalidOperationException("x",
            new EntryPointNotFoundException("Unable to find an entry point named 'OrtSessionOptionsAppendExecutionProvider_CUDA' in shared library 'onnxruntime'."))));
        Assert.False(GpuDiagnosis.IsGpuFailure(new InvalidOperationException("Error initializing model", new FormatException("bad model"))));
        Assert.True(OnnxRuntimeNative.IsMissingRuntime(new TypeInitializationException("X", new DllNotFoundException("Unable to load shared library 'onnxruntime'"))));
        Assert.False(OnnxRuntimeNative.IsMissingRuntime(new DllNotFoundException("Unable to load shared library 'other'")));
    }
}
