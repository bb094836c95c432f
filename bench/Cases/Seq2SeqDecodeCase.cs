using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;

namespace MlNetDeep.Bench.Cases;

/// <summary>
/// seq2seq-decode-k1 / seq2seq-decode-k5 (ours only; the anchor has no decoding case): the gru-seq2seq-attn network in
/// eval mode decodes 64 sources of 20 ids with <see cref="Seq2SeqDecoder.BeamSearch"/>, K = 1 (greedy) or K = 5, every
/// output exactly 20 tokens (EOS is forbidden until the last step, so the work does not depend on the random weights);
/// ms per batch of 64.
/// </summary>
internal sealed class Seq2SeqDecodeCase(int beamSize) : IBenchCase
{
    private const int B = 64, S = 20, Steps = 20, V = 40;
    private readonly Seq2Seq _model = new(new Seq2SeqSpec(V, V, 32, RecurrentCellKind.Gru, 64, 1, true, AttentionKind.Dot, false, 0f), new Rng(BenchData.Seed));

    public string Name => $"seq2seq-decode-k{beamSize}";
    public int Batch => B;
    public long ParameterCount => _model.ParameterCount();
    public long ExpectedParameterCount => 140_456;
    public int Warmup => 2;

    public Action CreateStep()
    {
        var rng = new Rng(BenchData.Seed + 1);
        var sources = Enumerable.Range(0, B)
            .Select(_ => Enumerable.Range(0, S).Select(_ => Seq2SeqTokens.Reserved + rng.NextInt(V - Seq2SeqTokens.Reserved)).Append(Seq2SeqTokens.Eos).ToArray())
            .ToList();
        var settings = new BeamSearchSettings(beamSize, 1, Steps, MinLength: Steps - 1);
        _model.SetTraining(false);
        return () => Seq2SeqDecoder.BeamSearch(_model, sources, settings);
    }
}
