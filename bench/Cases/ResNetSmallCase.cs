using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Bench.Cases;

/// <summary>
/// resnet-small: x[32,3,32,32]; stem Conv3x3(3→16, no bias)-BN-ReLU; 3 stages × 2 basic blocks (16 | 32, stride 2 first |
/// 64, stride 2 first); global mean over H,W → Linear(64,10); Adam lr 1e-3.
/// </summary>
internal sealed class ResNetSmallCase : ITrainingCase
{
    private const int B = 32;
    private readonly Module _model;
    private TrainingStep? _step;

    public ResNetSmallCase()
    {
        // The engine's ResNet defaults are exactly this architecture (asserted by ArchitectureTests too).
        _model = ResNet.Build(3, 10, new ResNetArchitecture(), new Rng(BenchData.Seed));
    }

    public string Name => "resnet-small";
    public int Batch => B;
    public long ParameterCount => _model.ParameterCount();
    public long ExpectedParameterCount => 175_258;
    public float LastLoss => _step?.LastLoss ?? float.NaN;

    public Action CreateStep()
    {
        var rng = new Rng(BenchData.Seed + 1);
        var x = BenchData.Gaussian(rng, B, 3, 32, 32);
        var y = BenchData.Labels(rng, B, 10);
        _step = new TrainingStep(_model, new Adam(_model.Parameters(), 1e-3f), x, y);
        return _step.Run;
    }
}
