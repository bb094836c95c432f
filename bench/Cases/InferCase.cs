using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Bench.Cases;

/// <summary>
/// infer-lenet-b{1,64} / infer-lstm-b{1,64}: the lenet and lstm models in eval mode, forward only without gradient
/// recording (the anchor's no_grad), ms per forward. Intermediate buffers go back to the tape's pool after each forward.
/// </summary>
internal sealed class InferCase : IBenchCase
{
    private readonly bool _lstm;
    private readonly Module _model;

    public InferCase(bool lstm, int batch)
    {
        _lstm = lstm;
        Batch = batch;
        var rng = new Rng(BenchData.Seed);
        _model = lstm ? new LstmClassifier(false, rng) : LenetCase.Build(rng);
        _model.SetTraining(false);
    }

    public string Name => $"infer-{(_lstm ? "lstm" : "lenet")}-b{Batch}";
    public int Batch { get; }
    public long ParameterCount => _model.ParameterCount();
    public long ExpectedParameterCount => _lstm ? LstmCase.UnidirectionalParameters : LenetCase.Parameters;

    public Action CreateStep()
    {
        var rng = new Rng(BenchData.Seed + 1);
        var x = _lstm ? BenchData.TokenIds(rng, Batch, LstmCase.T, LstmCase.Vocabulary) : BenchData.Gaussian(rng, Batch, 1, 28, 28);
        var tape = new Tape { IsRecording = false };
        return () =>
        {
            _model.Forward(tape, x);
            tape.Reset();
        };
    }
}
