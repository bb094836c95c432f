using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Bench.Cases;

/// <summary>
/// lstm / bilstm: tokens[64,50] &lt; 5000; Embedding(5000,64) → LSTM(64→128, zero initial state[, bidirectional]) →
/// final hidden [B,128] (bilstm: concat(final fwd, final bwd) [B,256]) → Linear(·,2); Adam lr 1e-3, clip_grad_norm 5.
/// </summary>
internal sealed class LstmCase(bool bidirectional) : ITrainingCase
{
    public const long UnidirectionalParameters = 419_586;
    public const int T = 50, Vocabulary = 5000;
    private const int B = 64;
    private readonly Module _model = new LstmClassifier(bidirectional, new Rng(BenchData.Seed));
    private TrainingStep? _step;

    public string Name => bidirectional ? "bilstm" : "lstm";
    public int Batch => B;
    public long ParameterCount => _model.ParameterCount();
    public long ExpectedParameterCount => bidirectional ? 519_170 : UnidirectionalParameters;
    public float LastLoss => _step?.LastLoss ?? float.NaN;

    public Action CreateStep()
    {
        var rng = new Rng(BenchData.Seed + 1);
        var x = BenchData.TokenIds(rng, B, T, Vocabulary);
        var y = BenchData.Labels(rng, B, 2);
        _step = new TrainingStep(_model, new Adam(_model.Parameters(), 1e-3f), x, y, clipNorm: 5f);
        return _step.Run;
    }
}

/// <summary>Embedding(5000,64) → LSTM(64→128) → final hidden state(s) → Linear(dirs·128, 2); ids as float (B,T).</summary>
internal sealed class LstmClassifier : Module
{
    private readonly Embedding _embed;
    private readonly Lstm _lstm;
    private readonly Linear _classifier;

    public LstmClassifier(bool bidirectional, Rng rng)
    {
        _embed = new Embedding(LstmCase.Vocabulary, 64, rng);
        _lstm = new Lstm(64, 128, rng, numberOfLayers: 1, bidirectional: bidirectional);
        _classifier = new Linear(_lstm.OutputSize, 2, rng);
    }

    public override IReadOnlyList<Module> Children => [_embed, _lstm, _classifier];

    public override Tensor Forward(Tape tape, Tensor x)
    {
        var final = _lstm.Forward(tape, _embed.Forward(tape, x), null).FinalHidden; // (dirs,B,128), forward direction first
        int b = x.Shape[0];
        var features = _lstm.Directions == 1
            ? Ops.Reshape(tape, final, b, _lstm.HiddenSize)
            : Ops.Reshape(tape, Ops.SwapOuterAxes(tape, final), b, _lstm.OutputSize); // (B,2,128) → [fwd | bwd]
        return _classifier.Forward(tape, features);
    }
}
