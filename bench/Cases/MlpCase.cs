using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Bench.Cases;

/// <summary>mlp: x[128,784]; Linear(784,256)-ReLU-Linear(256,128)-ReLU-Linear(128,10); SGD lr 0.1, no momentum.</summary>
internal sealed class MlpCase : ITrainingCase
{
    private const int B = 128;
    private readonly Module _model;
    private TrainingStep? _step;

    public MlpCase()
    {
        var rng = new Rng(BenchData.Seed);
        _model = new Sequential(
            new Linear(784, 256, rng, WeightInit.HeUniform), new Activation(ActivationKind.Relu),
            new Linear(256, 128, rng, WeightInit.HeUniform), new Activation(ActivationKind.Relu),
            new Linear(128, 10, rng, WeightInit.HeUniform));
    }

    public string Name => "mlp";
    public int Batch => B;
    public long ParameterCount => _model.ParameterCount();
    public long ExpectedParameterCount => 235_146;
    public float LastLoss => _step?.LastLoss ?? float.NaN;

    public Action CreateStep()
    {
        var rng = new Rng(BenchData.Seed + 1);
        var x = BenchData.Gaussian(rng, B, 784);
        var y = BenchData.Labels(rng, B, 10);
        _step = new TrainingStep(_model, new Sgd(_model.Parameters(), 0.1f), x, y);
        return _step.Run;
    }
}
