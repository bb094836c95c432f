using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Bench.Cases;

/// <summary>
/// gru-seq2seq-attn / gru-seq2seq-attn-loop: src[64,20], tgt[64,20] ids &lt; 40; Embedding(40,32) → bidirectional
/// GRU(32→64) encoder → decoder initial state [fwd; bwd] (128) → Embedding(40,32) → GRU(32→128) teacher-forced over
/// [BOS, tgt[:, :-1]] → Luong dot attention → tanh(Linear(256,128)) → Linear(128,40); mean cross-entropy over all B·T
/// tokens; Adam lr 1e-3. The loop variant runs the decoder step by step (one cell step and one attention per step),
/// the plain one the engine's fused teacher-forced path (one recurrent op over T, one batched attention).
/// </summary>
internal sealed class Seq2SeqCase(bool loop) : ITrainingCase
{
    private const int B = 64, S = 20, T = 20, V = 40;
    private readonly Seq2Seq _model = new(new Seq2SeqSpec(V, V, 32, RecurrentCellKind.Gru, 64, 1, true, AttentionKind.Dot, false, 0f),
        new Rng(BenchData.Seed));
    private readonly Tape _tape = new();

    public string Name => loop ? "gru-seq2seq-attn-loop" : "gru-seq2seq-attn";
    public int Batch => B;
    public long ParameterCount => _model.ParameterCount();
    public long ExpectedParameterCount => 140_456;
    public float LastLoss { get; private set; } = float.NaN;

    public Action CreateStep()
    {
        // Ids in [Reserved, V): the anchor draws [1, V) and has no reserved ids; the work per step is the same.
        var rng = new Rng(BenchData.Seed + 1);
        int[] Ids(int count) => Enumerable.Range(0, count).Select(_ => Seq2SeqTokens.Reserved + rng.NextInt(V - Seq2SeqTokens.Reserved)).ToArray();
        int[] source = Ids(B * S), target = Ids(B * T);
        var input = new int[B * T];
        for (int b = 0; b < B; b++)
        {
            input[b * T] = Seq2SeqTokens.Bos;
            Array.Copy(target, b * T, input, b * T + 1, T - 1);
        }
        int[] sourceLengths = Enumerable.Repeat(S, B).ToArray(), targetLengths = Enumerable.Repeat(T, B).ToArray();
        var optimizer = new Adam(_model.Parameters(), 1e-3f);
        _model.SetTraining(true);
        return () =>
        {
            optimizer.ZeroGrad();
            var encoded = _model.Encode(_tape, source, B, S, sourceLengths);
            var logits = _model.TeacherForced(_tape, encoded, input, T, targetLengths, stepwise: loop);
            var loss = Ops.TokenCrossEntropy(_tape, logits, target);
            _tape.Backward(loss);
            optimizer.Step();
            LastLoss = loss.Span[0];
            _tape.Reset();
        };
    }
}
