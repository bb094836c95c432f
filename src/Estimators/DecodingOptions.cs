using MlNetDeep.Engine.Models;

namespace MlNetDeep;

/// <summary>
/// How an <see cref="EncoderDecoder"/> model decodes: greedy (<see cref="BeamSize"/> 1) or beam search, fixed in the model's
/// ONNX graph. Set in <see cref="EncoderDecoder.Options.Decoding"/>, or changed after training, without retraining, with
/// <see cref="EncoderDecoder.WithDecoding"/>. Every default is in <see cref="Defaults"/>.
/// </summary>
public sealed record DecodingOptions
{
    /// <summary>Default values, in one place.</summary>
    public static class Defaults
    {
        /// <summary>Beam of 5.</summary>
        public const int BeamSize = 5;

        /// <summary>One hypothesis.</summary>
        public const int NBest = 1;

        /// <summary>100 tokens, EOS included.</summary>
        public const int MaximumLength = 100;

        /// <summary>No minimum.</summary>
        public const int MinimumLength = 0;

        /// <summary>Average log-probability per token.</summary>
        public const LengthPenaltyKind LengthPenalty = LengthPenaltyKind.Average;

        /// <summary>α = 0.6 (GNMT's usual value).</summary>
        public const float LengthPenaltyAlpha = 0.6f;

        /// <summary>Off.</summary>
        public const int NoRepeatNgramSize = 0;
    }

    /// <summary>K, hypotheses kept per step (≥ 1; 1 is greedy decoding; at most the target vocabulary + 4, checked in Fit). <value>Default 5.</value></summary>
    public int BeamSize { get; init; } = Defaults.BeamSize;

    /// <summary>Hypotheses returned per source, in [1, <see cref="BeamSize"/>]. <value>Default 1.</value></summary>
    public int NBest { get; init; } = Defaults.NBest;

    /// <summary>Most output tokens, EOS included (≥ 1). <value>Default 100.</value></summary>
    public int MaximumLength { get; init; } = Defaults.MaximumLength;

    /// <summary>
    /// When set (&gt; 0), each output is also limited to ⌈ratio · source tokens⌉ tokens (at least 1, at most
    /// <see cref="MaximumLength"/>). <value>Default null.</value>
    /// </summary>
    public float? MaximumLengthRatio { get; init; }

    /// <summary>Fewest tokens before EOS may end an output, in [0, <see cref="MaximumLength"/>). <value>Default 0.</value></summary>
    public int MinimumLength { get; init; } = Defaults.MinimumLength;

    /// <summary>How a finished hypothesis' length normalises its score: None, Average or Gnmt. <value>Default Average.</value></summary>
    public LengthPenaltyKind LengthPenalty { get; init; } = Defaults.LengthPenalty;

    /// <summary>α of <see cref="LengthPenaltyKind.Gnmt"/> (≥ 0). <value>Default 0.6.</value></summary>
    public float LengthPenaltyAlpha { get; init; } = Defaults.LengthPenaltyAlpha;

    /// <summary>n ≥ 2 forbids a token that would repeat an n-gram of the output; 0 is off. <value>Default 0.</value></summary>
    public int NoRepeatNgramSize { get; init; } = Defaults.NoRepeatNgramSize;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    internal void Check()
    {
        if (BeamSize < 1) throw new ArgumentOutOfRangeException(nameof(BeamSize), BeamSize, "BeamSize must be at least 1 (1 is greedy decoding).");
        if (NBest < 1 || NBest > BeamSize) throw new ArgumentOutOfRangeException(nameof(NBest), NBest, $"NBest must lie in [1, BeamSize = {BeamSize}].");
        if (MaximumLength < 1) throw new ArgumentOutOfRangeException(nameof(MaximumLength), MaximumLength, "MaximumLength must be at least 1.");
        if (MaximumLengthRatio is float ratio && !(float.IsFinite(ratio) && ratio > 0))
            throw new ArgumentOutOfRangeException(nameof(MaximumLengthRatio), ratio, "MaximumLengthRatio must be positive, or null for no ratio limit.");
        if (MinimumLength < 0 || MinimumLength >= MaximumLength)
            throw new ArgumentOutOfRangeException(nameof(MinimumLength), MinimumLength, $"MinimumLength must lie in [0, MaximumLength = {MaximumLength}).");
        if (!Enum.IsDefined(LengthPenalty)) throw new ArgumentOutOfRangeException(nameof(LengthPenalty), LengthPenalty, "Unknown LengthPenalty: use None, Average or Gnmt.");
        if (!(float.IsFinite(LengthPenaltyAlpha) && LengthPenaltyAlpha >= 0))
            throw new ArgumentOutOfRangeException(nameof(LengthPenaltyAlpha), LengthPenaltyAlpha, "LengthPenaltyAlpha must be 0 or positive.");
        if (NoRepeatNgramSize is < 0 or 1)
            throw new ArgumentOutOfRangeException(nameof(NoRepeatNgramSize), NoRepeatNgramSize, "NoRepeatNgramSize must be 0 (off) or at least 2.");
    }

    /// <summary>The engine's settings (shared by its decoder and the ONNX export).</summary>
    internal BeamSearchSettings ToSettings() =>
        new(BeamSize, NBest, MaximumLength, MaximumLengthRatio, MinimumLength, LengthPenalty, LengthPenaltyAlpha, NoRepeatNgramSize);
}
