using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Bench.Cases;

/// <summary>
/// textcnn: tokens[64,100] &lt; 5000; Embedding(5000,64) → (B,64,100) → 3 × Conv1d(64→64, k=3/4/5, no padding) → ReLU →
/// max over time (computed as max then ReLU: the same values) → concat [B,192] → Dropout(0.5) → Linear(192,2); Adam lr 1e-3.
/// </summary>
internal sealed class TextCnnCase : ITrainingCase
{
    private const int B = 64, T = 100, Vocabulary = 5000;
    private readonly Module _model = new TextCnn(new Rng(BenchData.Seed));
    private TrainingStep? _step;

    public string Name => "textcnn";
    public int Batch => B;
    public long ParameterCount => _model.ParameterCount();
    public long ExpectedParameterCount => 369_730;
    public float LastLoss => _step?.LastLoss ?? float.NaN;

    public Action CreateStep()
    {
        var rng = new Rng(BenchData.Seed + 1);
        var x = BenchData.TokenIds(rng, B, T, Vocabulary);
        var y = BenchData.Labels(rng, B, 2);
        _step = new TrainingStep(_model, new Adam(_model.Parameters(), 1e-3f), x, y);
        return _step.Run;
    }

    private sealed class TextCnn : Module
    {
        private readonly Module _embed, _toChannels, _dropout, _classifier;
        private readonly Module[] _branches;

        public TextCnn(Rng rng)
        {
            _embed = new Embedding(Vocabulary, 64, rng);
            _toChannels = new Permute(0, 2, 1);
            // Each branch as the engine's TextCnn builds it: Conv1d → max over time (fused, sparse backward) → ReLU.
            _branches = [Branch(3, rng), Branch(4, rng), Branch(5, rng)];
            _dropout = new Dropout(0.5f, rng);
            _classifier = new Linear(192, 2, rng);
        }

        private static Module Branch(int width, Rng rng) =>
            new Sequential(new Conv1d(64, 64, width, rng), new GlobalMaxPool(), new Activation(ActivationKind.Relu));

        public override IReadOnlyList<Module> Children => [_embed, _toChannels, .. _branches, _dropout, _classifier];

        public override Tensor Forward(Tape tape, Tensor x)
        {
            var e = _toChannels.Forward(tape, _embed.Forward(tape, x)); // (B,64,T)
            var pooled = new Tensor[_branches.Length];
            for (int i = 0; i < _branches.Length; i++)
                pooled[i] = _branches[i].Forward(tape, e); // (B,64); ReLU after the max: the same values (they commute)
            var h = Ops.Concat(tape, 1, pooled); // (B,192)
            return _classifier.Forward(tape, _dropout.Forward(tape, h));
        }
    }
}
