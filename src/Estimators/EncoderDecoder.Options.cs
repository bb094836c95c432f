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

        /// <summary>Output column of the <see cref="DecodingOptions.NBest"/> hypotheses, best first (Vector&lt;String&gt;), or null for none. <value>Default null.</value></summary>
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

        /// <summary>Greedy or beam-search decoding, fixed in the model (changeable after Fit with <see cref="EncoderDecoder.WithDecoding"/>). <value>Defaults of <see cref="DecodingOptions"/>.</value></summary>
        public DecodingOptions Decoding { get; set; } = new();

        /// <summary>
        /// Output column of the best hypothesis' attention weights, or null for none: Vector&lt;Single&gt; of T·(S + 1) values,
        /// row t (a generated token, EOS included) over the S source tokens and the appended EOS. <value>Default null.</value>
        /// </summary>
        public string? AttentionColumnName { get; set; }

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
            if (AttentionColumnName is not null) CheckName(AttentionColumnName, nameof(AttentionColumnName));
            if (SourceColumnName == LabelColumnName)
                throw new ArgumentOutOfRangeException(nameof(SourceColumnName), SourceColumnName, $"SourceColumnName and LabelColumnName must name different columns (both are '{SourceColumnName}').");
            Defined(SourceTokenUnit, nameof(SourceTokenUnit));
            Defined(TargetTokenUnit, nameof(TargetTokenUnit));
            Defined(Cell, nameof(Cell));
            Defined(Attention, nameof(Attention));
            Defined(EarlyStoppingMetric, nameof(EarlyStoppingMetric));
            AtLeast(MaximumSourceVocabularySize, 1, nameof(MaximumSourceVocabularySize));
            AtLeast(MaximumTargetVocabularySize, 1, nameof(MaximumTargetVocabularySize));
            AtLeast(EmbeddingSize, 1, nameof(EmbeddingSize));
            AtLeast(HiddenSize, 1, nameof(HiddenSize));
            AtLeast(EncoderLayers, 1, nameof(EncoderLayers));
            if (!(DropoutRate >= 0 && DropoutRate < 1)) throw new ArgumentOutOfRangeException(nameof(DropoutRate), DropoutRate, "DropoutRate must lie in [0, 1).");
            CheckPart(nameof(Decoding), Decoding, d => d.Check());
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
