using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
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
        var rng = new Rng(BenchData.Seed);
        _model = new Sequential(
            new Conv2d(3, 16, 3, rng, padding: 1, bias: false), new BatchNorm(16), new Activation(ActivationKind.Relu),
            new BasicBlock(16, 16, 1, rng), new BasicBlock(16, 16, 1, rng),
            new BasicBlock(16, 32, 2, rng), new BasicBlock(32, 32, 1, rng),
            new BasicBlock(32, 64, 2, rng), new BasicBlock(64, 64, 1, rng),
            new GlobalAvgPool(),
            new Linear(64, 10, rng));
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

    /// <summary>
    /// Basic block: ReLU(BN(Conv3x3(ReLU(BN(Conv3x3_s(x))))) + shortcut(x)); convolutions without bias; shortcut is the
    /// identity, or Conv1x1(stride s, no bias)+BN when the stride or channel count changes. Bench-local on purpose.
    /// </summary>
    private sealed class BasicBlock : Module
    {
        private readonly Module _main;
        private readonly Module? _shortcut;
        private readonly Module _relu = new Activation(ActivationKind.Relu);

        public BasicBlock(int inChannels, int outChannels, int stride, Rng rng)
        {
            _main = new Sequential(
                new Conv2d(inChannels, outChannels, 3, rng, stride: stride, padding: 1, bias: false), new BatchNorm(outChannels),
                new Activation(ActivationKind.Relu),
                new Conv2d(outChannels, outChannels, 3, rng, padding: 1, bias: false), new BatchNorm(outChannels));
            if (stride != 1 || inChannels != outChannels)
                _shortcut = new Sequential(new Conv2d(inChannels, outChannels, 1, rng, stride: stride, bias: false), new BatchNorm(outChannels));
        }

        public override IReadOnlyList<Module> Children => _shortcut is null ? [_main, _relu] : [_main, _shortcut, _relu];

        public override Tensor Forward(Tape tape, Tensor x)
        {
            var main = _main.Forward(tape, x);
            var skip = _shortcut is null ? x : _shortcut.Forward(tape, x);
            return _relu.Forward(tape, Ops.Add(tape, main, skip));
        }
    }
}
