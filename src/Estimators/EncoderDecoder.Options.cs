namespace MlNetDeep;

public sealed partial class EncoderDecoder
{
    /// <summary>
    /// Options of <see cref="EncoderDecoder"/>: columns, tokens, the network, decoding, and the training options every trainer
    /// takes. <see cref="TrainerOptions.LabelColumnName"/> names the target text column.
    /// </summary>
    public sealed class Options : TrainerOptions
    {
        /// <summary>Defaults of the options declared here; the training defaults are in <see cref="TrainerOptions.Defaults"/>.</summary>
        public new static class Defaults
        {
            /// <summary>Column "Source".</summary>
            public const string SourceColumnName = "Source";

            /// <summary>Column "PredictedText".</summary>
            public const string PredictedTextColumnName = "PredictedText";

            /// <summary>Characters.</summary>
            public const TokenUnit TokenUnit = MlNetDeep.TokenUnit.Characters;

            /// <summary>50,000 tokens.</summary>
            public const int MaximumVocabularySize = 50_000;

            /// <summary>GRU.</summary>
            public const RecurrentCellKind Cell = RecurrentCellKind.Gru;

            /// <summary>64 dimensions.</summary>
            public const int EmbeddingSize = 64;

            /// <summary>128 units per encoder direction.</summary>
            public const int HiddenSize = 128;

            /// <summary>One encoder layer.</summary>
            public const int EncoderLayers = 1;

            /// <summary>Bidirectional encoder.</summary>
            public const bool BidirectionalEncoder = true;

            /// <summary>Luong "general".</summary>
            public const AttentionKind Attention = AttentionKind.General;

            /// <summary>Input feeding on.</summary>
            public const bool InputFeeding = true;

            /// <summary>0.1.</summary>
            public const float DropoutRate = 0.1f;

            /// <summary>Beam of 5.</summary>
            public const int BeamSize = 5;

            /// <summary>One hypothesis.</summary>
            public const int NBest = 1;

            /// <summary>100 tokens, EOS included.</summary>
            public const int MaximumOutputLength = 100;

            /// <summary>No minimum.</summary>
            public const int MinimumOutputLength = 0;

            /// <summary>Average log-probability per token.</summary>
            public const LengthPenaltyKind LengthPenalty = LengthPenaltyKind.Average;

            /// <summary>α = 0.6 (GNMT's usual value).</summary>
            public const float LengthPenaltyAlpha = 0.6f;

            /// <summary>Off.</summary>
            public const int NoRepeatNgramSize = 0;

            /// <summary>No label smoothing.</summary>
            public const float LabelSmoothing = 0f;

            /// <summary>Plain teacher forcing.</summary>
            public const float ScheduledSamplingRatio = 0f;

            /// <summary>Validation loss.</summary>
            public const EarlyStoppingMetric EarlyStoppingMetric = MlNetDeep.EarlyStoppingMetric.ValidationLoss;

            /// <summary>Global-norm gradient clipping at 5, as for every recurrent trainer.</summary>
            public const float GradientClipNorm = 5f;
        }

        /// <summary>Creates options with gradient clipping on (<see cref="Defaults.GradientClipNorm"/>).</summary>
        public Options() => GradientClipNorm = Defaults.GradientClipNorm;

        /// <summary>Source text column (String). <value>Default "Source".</value></summary>
        public string SourceColumnName { get; set; } = Defaults.SourceColumnName;

        /// <summary>Output column of the best hypothesis (String). <value>Default "PredictedText".</value></summary>
        public string PredictedTextColumnName { get; set; } = Defaults.PredictedTextColumnName;

        /// <summary>Output column of the <see cref="NBest"/> hypotheses, best first (Vector&lt;String&gt;), or null for none. <value>Default null.</value></summary>
        public string? NBestColumnName { get; set; }

        /// <summary>Output column of the n-best hypotheses' scores, best first (Vector&lt;Single&gt;), or null for none. <value>Default null.</value></summary>
        public string? NBestScoresColumnName { get; set; }

        /// <summary>
        /// How the source text is cut: Characters (each UTF-16 code unit) or Words (split on spaces). The text is used as it is:
        /// no lower-casing, punctuation kept. <value>Default Characters.</value>
        /// </summary>
        public TokenUnit SourceTokenUnit { get; set; } = Defaults.TokenUnit;

        /// <summary>How the target text is cut for training and the output joined: Characters (joined with nothing) or Words (joined with spaces). <value>Default Characters.</value></summary>
        public TokenUnit TargetTokenUnit { get; set; } = Defaults.TokenUnit;

        /// <summary>Distinct source tokens kept, the first seen in the training data; later ones count as unknown (≥ 1). <value>Default 50,000.</value></summary>
        public int MaximumSourceVocabularySize { get; set; } = Defaults.MaximumVocabularySize;

        /// <summary>Distinct target tokens kept, the first seen in the training data (≥ 1). <value>Default 50,000.</value></summary>
        public int MaximumTargetVocabularySize { get; set; } = Defaults.MaximumVocabularySize;

        /// <summary>Recurrent cell of encoder and decoder: Rnn, Lstm or Gru. <value>Default Gru.</value></summary>
        public RecurrentCellKind Cell { get; set; } = Defaults.Cell;

        /// <summary>E, dimensions of the source and target token embeddings (≥ 1). <value>Default 64.</value></summary>
        public int EmbeddingSize { get; set; } = Defaults.EmbeddingSize;

        /// <summary>
        /// H, hidden units per encoder direction (≥ 1). The decoder's state has the encoder's output size: 2H for a
        /// bidirectional encoder, whose final forward and backward states are concatenated into the decoder's initial state.
        /// <value>Default 128.</value>
        /// </summary>
        public int HiddenSize { get; set; } = Defaults.HiddenSize;

        /// <summary>Stacked encoder layers (≥ 1). <value>Default 1.</value></summary>
        public int EncoderLayers { get; set; } = Defaults.EncoderLayers;

        /// <summary>Read the source in both directions. <value>Default true.</value></summary>
        public bool BidirectionalEncoder { get; set; } = Defaults.BidirectionalEncoder;

        /// <summary>Attention score: Dot, General (Luong) or Additive (Bahdanau). <value>Default General.</value></summary>
        public AttentionKind Attention { get; set; } = Defaults.Attention;

        /// <summary>Luong input feeding: the previous attentional vector joins the decoder's input. <value>Default true.</value></summary>
        public bool InputFeeding { get; set; } = Defaults.InputFeeding;

        /// <summary>Dropout on embeddings, between encoder layers and on the attentional vector while training, in [0, 1). <value>Default 0.1.</value></summary>
        public float DropoutRate { get; set; } = Defaults.DropoutRate;

        /// <summary>K, hypotheses kept per decoding step (≥ 1; 1 is greedy decoding; at most the target vocabulary + 4). <value>Default 5.</value></summary>
        public int BeamSize { get; set; } = Defaults.BeamSize;

        /// <summary>Hypotheses returned per source, in [1, <see cref="BeamSize"/>]. <value>Default 1.</value></summary>
        public int NBest { get; set; } = Defaults.NBest;

        /// <summary>Most output tokens, EOS included (≥ 1). <value>Default 100.</value></summary>
        public int MaximumOutputLength { get; set; } = Defaults.MaximumOutputLength;

        /// <summary>
        /// When set (&gt; 0), each output is also limited to ⌈ratio · source tokens⌉ tokens (at least 1, at most
        /// <see cref="MaximumOutputLength"/>). <value>Default null.</value>
        /// </summary>
        public float? MaximumOutputLengthRatio { get; set; }

        /// <summary>Fewest tokens before EOS may end an output, in [0, <see cref="MaximumOutputLength"/>). <value>Default 0.</value></summary>
        public int MinimumOutputLength { get; set; } = Defaults.MinimumOutputLength;

        /// <summary>How a finished hypothesis' length normalises its score: None, Average or Gnmt. <value>Default Average.</value></summary>
        public LengthPenaltyKind LengthPenalty { get; set; } = Defaults.LengthPenalty;

        /// <summary>α of <see cref="LengthPenaltyKind.Gnmt"/> (≥ 0). <value>Default 0.6.</value></summary>
        public float LengthPenaltyAlpha { get; set; } = Defaults.LengthPenaltyAlpha;

        /// <summary>n ≥ 2 forbids a token that would repeat an n-gram of the output; 0 is off. <value>Default 0.</value></summary>
        public int NoRepeatNgramSize { get; set; } = Defaults.NoRepeatNgramSize;

        /// <summary>Label smoothing ε of the training loss, in [0, 1). <value>Default 0.</value></summary>
        public float LabelSmoothing { get; set; } = Defaults.LabelSmoothing;

        /// <summary>
        /// Scheduled sampling, in [0, 1]: the probability of feeding the model's own previous prediction instead of the
        /// reference token, rising linearly from 0 in the first epoch to this value in the last; 0 is plain teacher forcing.
        /// <value>Default 0.</value>
        /// </summary>
        public float ScheduledSamplingRatio { get; set; } = Defaults.ScheduledSamplingRatio;

        /// <summary>What early stopping watches with a validation set: ValidationLoss or TokenAccuracy. <value>Default ValidationLoss.</value></summary>
        public EarlyStoppingMetric EarlyStoppingMetric { get; set; } = Defaults.EarlyStoppingMetric;

        internal override void Check()
        {
            base.Check();
            CheckName(SourceColumnName, nameof(SourceColumnName));
            CheckName(PredictedTextColumnName, nameof(PredictedTextColumnName));
            if (NBestColumnName is not null) CheckName(NBestColumnName, nameof(NBestColumnName));
            if (NBestScoresColumnName is not null) CheckName(NBestScoresColumnName, nameof(NBestScoresColumnName));
            if (SourceColumnName == LabelColumnName)
                throw new ArgumentOutOfRangeException(nameof(SourceColumnName), SourceColumnName, $"SourceColumnName and LabelColumnName must name different columns (both are '{SourceColumnName}').");
            Defined(SourceTokenUnit, nameof(SourceTokenUnit));
            Defined(TargetTokenUnit, nameof(TargetTokenUnit));
            Defined(Cell, nameof(Cell));
            Defined(Attention, nameof(Attention));
            Defined(LengthPenalty, nameof(LengthPenalty));
            Defined(EarlyStoppingMetric, nameof(EarlyStoppingMetric));
            AtLeast(MaximumSourceVocabularySize, 1, nameof(MaximumSourceVocabularySize));
            AtLeast(MaximumTargetVocabularySize, 1, nameof(MaximumTargetVocabularySize));
            AtLeast(EmbeddingSize, 1, nameof(EmbeddingSize));
            AtLeast(HiddenSize, 1, nameof(HiddenSize));
            AtLeast(EncoderLayers, 1, nameof(EncoderLayers));
            if (!(DropoutRate >= 0 && DropoutRate < 1)) throw new ArgumentOutOfRangeException(nameof(DropoutRate), DropoutRate, "DropoutRate must lie in [0, 1).");
            AtLeast(BeamSize, 1, nameof(BeamSize));
            if (NBest < 1 || NBest > BeamSize) throw new ArgumentOutOfRangeException(nameof(NBest), NBest, $"NBest must lie in [1, BeamSize = {BeamSize}].");
            AtLeast(MaximumOutputLength, 1, nameof(MaximumOutputLength));
            if (MaximumOutputLengthRatio is float ratio && !(float.IsFinite(ratio) && ratio > 0))
                throw new ArgumentOutOfRangeException(nameof(MaximumOutputLengthRatio), ratio, "MaximumOutputLengthRatio must be positive, or null for no ratio limit.");
            if (MinimumOutputLength < 0 || MinimumOutputLength >= MaximumOutputLength)
                throw new ArgumentOutOfRangeException(nameof(MinimumOutputLength), MinimumOutputLength, $"MinimumOutputLength must lie in [0, MaximumOutputLength = {MaximumOutputLength}).");
            if (!(float.IsFinite(LengthPenaltyAlpha) && LengthPenaltyAlpha >= 0))
                throw new ArgumentOutOfRangeException(nameof(LengthPenaltyAlpha), LengthPenaltyAlpha, "LengthPenaltyAlpha must be 0 or positive.");
            if (NoRepeatNgramSize is < 0 or 1)
                throw new ArgumentOutOfRangeException(nameof(NoRepeatNgramSize), NoRepeatNgramSize, "NoRepeatNgramSize must be 0 (off) or at least 2.");
            if (!(LabelSmoothing >= 0 && LabelSmoothing < 1)) throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "LabelSmoothing must lie in [0, 1).");
            if (!(ScheduledSamplingRatio >= 0 && ScheduledSamplingRatio <= 1))
                throw new ArgumentOutOfRangeException(nameof(ScheduledSamplingRatio), ScheduledSamplingRatio, "ScheduledSamplingRatio must lie in [0, 1].");
        }

        private static void Defined<T>(T value, string option) where T : struct, Enum
        {
            if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(option, value, $"Unknown {option}: use one of {string.Join(", ", Enum.GetNames<T>())}.");
        }

        private static void AtLeast(int value, int minimum, string option)
        {
            if (value < minimum) throw new ArgumentOutOfRangeException(option, value, $"{option} must be at least {minimum}.");
        }
    }
}
