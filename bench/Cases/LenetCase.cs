using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Bench.Cases;

/// <summary>
/// lenet: x[64,1,28,28]; Conv2d(1,32,k3,p1)-BN-ReLU-MaxPool2 → Conv2d(32,64,k3,p1)-BN-ReLU-MaxPool2 → Flatten(3136)
/// → Linear(3136,128)-ReLU-Dropout(0.5)-Linear(128,10); Adam lr 1e-3.
/// </summary>
internal sealed class LenetCase : ITrainingCase
{
    public const long Parameters = 421_834;
    private const int B = 64;
    private readonly Module _model = Build(new Rng(BenchData.Seed));
    private TrainingStep? _step;

    /// <summary>The anchor's LeNet-style CNN: the engine's SmallCnn with its defaults (BN eps 1e-5, momentum 0.1).</summary>
    public static Module Build(Rng rng) => SmallCnn.Build(1, 10, new SmallCnnArchitecture(), rng);

    public string Name => "lenet";
    public int Batch => B;
    public long ParameterCount => _model.ParameterCount();
    public long ExpectedParameterCount => Parameters;
    public float LastLoss => _step?.LastLoss ?? float.NaN;

    public Action CreateStep()
    {
        var rng = new Rng(BenchData.Seed + 1);
        var x = BenchData.Gaussian(rng, B, 1, 28, 28);
        var y = BenchData.Labels(rng, B, 10);
        _step = new TrainingStep(_model, new Adam(_model.Parameters(), 1e-3f), x, y);
        return _step.Run;
    }
}
