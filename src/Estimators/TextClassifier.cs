using Microsoft.ML;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// Text classifier over a raw text column: Fit learns a word or character vocabulary with built-in ML.NET transforms,
/// trains a TextCNN, a recurrent network or your own (<see cref="Options.CustomNetwork"/>) with MlNetDeep's engine, and
/// returns a model whose ONNX graph pads each text to <see cref="Options.MaximumLength"/> tokens and truncates or rejects
/// longer ones (<see cref="Options.LongerTexts"/>).
/// </summary>
/// <remarks>
/// | | |
/// |---|---|
/// | Machine learning task | Multiclass classification |
/// | Input | Text: Text; Label: key |
/// | Output | Score: class probabilities; PredictedLabel: key with the label's key values |
/// | Exportable to ONNX | Yes (input: token keys uint32 [N, S]; see <see cref="NetworkEstimator.LastTrainingReport"/>) |
///
/// Text is lower-cased (words also lose punctuation). Tokens not seen in training map to an "unknown" id with a
/// learned embedding. An empty (or missing) text becomes all padding and gets a defined prediction: the class the
/// network assigns to no evidence, usually the most frequent one.
///
/// Texts longer than <see cref="Options.MaximumLength"/> tokens follow <see cref="Options.LongerTexts"/>, in Fit and in
/// the saved model alike:
/// - <see cref="LongTextHandling.Truncate"/> (default): only the first MaximumLength tokens are read; the rest cannot
///   change the prediction.
/// - <see cref="LongTextHandling.Reject"/>: Fit throws <see cref="InvalidOperationException"/> during its data scan,
///   before any training and before anything is written, on the first longer training (or validation) text:
///   "Column 'Text' has 70 tokens in row 3 of the training data, more than the 64 the network reads. LongerTexts is
///   Reject: set LongerTexts = Truncate to keep the first 64 tokens, or raise MaximumLength." (rows count from 0).
///   The saved model holds only built-in ML.NET transformers, so at scoring time the check is a graph node named
///   "{TextColumnName}_has_more_than_{MaximumLength}_tokens_LongerTexts_Reject", and ONNX Runtime's error quotes it:
///   "[ErrorCode:Fail] Non-zero status code returned while running Reshape node.
///   Name:'Text_has_more_than_64_tokens_LongerTexts_Reject' Status Message: ... The input tensor cannot be reshaped to
///   the requested shape. Input shape:{1,70}, requested shape:{1,64}". PredictionEngine.Predict throws this
///   OnnxRuntimeException itself; reading a transformed view (GetColumn, CreateEnumerable, Evaluate, a cursor) may throw
///   ML.NET's InvalidOperationException "Splitter/consolidator worker encountered exception while consuming source
///   data" with the OnnxRuntimeException as its InnerException. The same holds after Save/Load. Texts of at most
///   MaximumLength tokens score exactly as with Truncate.
/// </remarks>
public sealed class TextClassifier : NetworkEstimator
{
    /// <summary>Options of <see cref="TextClassifier"/>: the text, the tokens, and the settings of the chosen <see cref="Network"/>.</summary>
    public sealed class Options : TrainerOptions
    {
        /// <summary>Defaults of the options declared here; the training defaults are in <see cref="TrainerOptions.Defaults"/>.</summary>
        public new static class Defaults
        {
            /// <summary>Column "Text".</summary>
            public const string TextColumnName = "Text";

            /// <summary>TextCNN.</summary>
            public const TextNetwork Network = TextNetwork.Cnn;

            /// <summary>Words.</summary>
            public const TokenUnit TokenUnit = MlNetDeep.TokenUnit.Words;

            /// <summary>64 tokens.</summary>
            public const int MaximumLength = 64;

            /// <summary>Truncate.</summary>
            public const LongTextHandling LongerTexts = LongTextHandling.Truncate;

            /// <summary>100,000 tokens.</summary>
            public const int MaximumVocabularySize = 100_000;

            /// <summary>64 dimensions.</summary>
            public const int EmbeddingSize = 64;

            /// <summary>0.1 of the tokens.</summary>
            public const float TokenDropoutRate = 0.1f;

            /// <summary>0.5 before the output layer of a recurrent network, as for TextCNN.</summary>
            public const float RecurrentDropoutRate = 0.5f;

            /// <summary>Global-norm gradient clipping at 5 (recurrent networks explode without it; harmless for TextCNN).</summary>
            public const float GradientClipNorm = 5f;
        }

        /// <summary>Creates options with gradient clipping on (<see cref="Defaults.GradientClipNorm"/>).</summary>
        public Options() => GradientClipNorm = Defaults.GradientClipNorm;

        /// <summary>Raw text column. <value>Default "Text".</value></summary>
        public string TextColumnName { get; set; } = Defaults.TextColumnName;

        /// <summary>Output key column. <value>Default "PredictedLabel".</value></summary>
        public string PredictedLabelColumnName { get; set; } = DefaultColumnNames.PredictedLabel;

        /// <summary>TextCNN (settings in <see cref="Cnn"/>) or recurrent network (settings in <see cref="Recurrent"/>). <value>Default Cnn.</value></summary>
        public TextNetwork Network { get; set; } = Defaults.Network;

        /// <summary>Words or characters. <value>Default Words.</value></summary>
        public TokenUnit TokenUnit { get; set; } = Defaults.TokenUnit;

        /// <summary>
        /// T, tokens read per text: shorter texts are padded, longer ones truncated or rejected as <see cref="LongerTexts"/>
        /// says (≥ 1; for Cnn ≥ the widest kernel). <value>Default 64.</value>
        /// </summary>
        public int MaximumLength { get; set; } = Defaults.MaximumLength;

        /// <summary>
        /// Texts of more than <see cref="MaximumLength"/> tokens, in Fit and at scoring: Truncate keeps their first
        /// MaximumLength tokens; Reject fails on them (see <see cref="LongTextHandling.Reject"/>). Texts of at most
        /// MaximumLength tokens score identically either way. <value>Default Truncate.</value>
        /// </summary>
        public LongTextHandling LongerTexts { get; set; } = Defaults.LongerTexts;

        /// <summary>Distinct tokens kept, the first seen in the training text; later ones count as unknown (≥ 1). <value>Default 100,000.</value></summary>
        public int MaximumVocabularySize { get; set; } = Defaults.MaximumVocabularySize;

        /// <summary>E, embedding dimensions (≥ 1). <value>Default 64.</value></summary>
        public int EmbeddingSize { get; set; } = Defaults.EmbeddingSize;

        /// <summary>
        /// Word dropout while training, in [0, 1): each token is replaced by the unknown token with this probability, so
        /// words never seen in training still meet a trained embedding at scoring time. <value>Default 0.1.</value>
        /// </summary>
        public float TokenDropoutRate { get; set; } = Defaults.TokenDropoutRate;

        /// <summary>TextCNN settings, used when <see cref="Network"/> is Cnn. <value>Defaults of <see cref="TextCnnArchitecture"/>.</value></summary>
        public TextCnnArchitecture Cnn { get; set; } = new();

        /// <summary>
        /// Recurrent settings, used when <see cref="Network"/> is Recurrent.
        /// <value>Defaults of <see cref="RecurrentArchitecture"/>, with DropoutRate 0.5.</value>
        /// </summary>
        public RecurrentArchitecture Recurrent { get; set; } = new() { DropoutRate = Defaults.RecurrentDropoutRate };

        /// <summary>
        /// A network of your own (<see cref="NetworkDefinition"/>) used instead of <see cref="Network"/> (then <see cref="EmbeddingSize"/>,
        /// <see cref="Cnn"/> and <see cref="Recurrent"/> are not used; <see cref="TokenDropoutRate"/> still is). Its input is a text's
        /// token ids (<see cref="MaximumLength"/>), so it starts with <see cref="NetworkDefinition.Embedding"/>, whose table gets a row per
        /// vocabulary token plus the unknown and the padding token; sequence layers then work on (T, F). It must end with one
        /// output per class. Checked, and its summary logged, after the vocabulary is learned and before the training data
        /// is scanned. Null builds <see cref="Network"/>. <value>Default null.</value>
        /// </summary>
        /// <example>
        /// <code>
        /// CustomNetwork = new NetworkDefinition().Embedding(64).Conv1d(64, kernelSize: 3).Relu().GlobalMaxPool1d().Dropout(0.5f).Dense(2)
        /// </code>
        /// </example>
        public NetworkDefinition? CustomNetwork { get; set; }

        private protected override void CopyArrays()
        {
            Cnn = Cnn is null ? null! : Cnn with { KernelSizes = Cnn.KernelSizes?.ToArray()! };
            CustomNetwork = CustomNetwork?.Clone();
        }

        internal override void Check()
        {
            base.Check();
            CheckName(TextColumnName, nameof(TextColumnName));
            CheckName(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
            if (!Enum.IsDefined(Network)) throw new ArgumentOutOfRangeException(nameof(Network), Network, "Unknown text network.");
            if (!Enum.IsDefined(TokenUnit)) throw new ArgumentOutOfRangeException(nameof(TokenUnit), TokenUnit, "Unknown token unit.");
            if (!Enum.IsDefined(LongerTexts)) throw new ArgumentOutOfRangeException(nameof(LongerTexts), LongerTexts, "Unknown LongerTexts handling: use Truncate or Reject.");
            if (MaximumLength < 1) throw new ArgumentOutOfRangeException(nameof(MaximumLength), MaximumLength, "MaximumLength must be at least 1.");
            if (MaximumVocabularySize < 1) throw new ArgumentOutOfRangeException(nameof(MaximumVocabularySize), MaximumVocabularySize, "MaximumVocabularySize must be at least 1.");
            if (EmbeddingSize < 1) throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), EmbeddingSize, "EmbeddingSize must be at least 1.");
            if (!(TokenDropoutRate >= 0 && TokenDropoutRate < 1)) throw new ArgumentOutOfRangeException(nameof(TokenDropoutRate), TokenDropoutRate, "TokenDropoutRate must lie in [0, 1).");
            CheckPart(nameof(Cnn), Cnn, c => c.Check());
            CheckPart(nameof(Recurrent), Recurrent, r => r.Check());
            if (CustomNetwork is null && Network == TextNetwork.Cnn && Cnn.KernelSizes.Max() > MaximumLength)
                throw new ArgumentOutOfRangeException(nameof(MaximumLength), MaximumLength, $"MaximumLength must be at least the widest kernel ({Cnn.KernelSizes.Max()}).");
        }
    }

    internal TextClassifier(MLContext ml, Options options)
        : base(ml, options, o => new TextTask((Options)o), "MlNetDeep.TextClassifier", options?.PredictedLabelColumnName)
    {
    }
}
