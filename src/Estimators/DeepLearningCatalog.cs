using MlNetDeep;

namespace Microsoft.ML;

/// <summary>MlNetDeep's trainers, grouped by task like ML.NET's own catalogs.</summary>
public sealed class DeepLearningCatalog
{
    internal DeepLearningCatalog(MLContext mlContext)
    {
        MulticlassClassification = new MulticlassClassificationTrainers(mlContext);
        Regression = new RegressionTrainers(mlContext);
        SequenceToSequence = new SequenceToSequenceCatalog(mlContext);
    }

    /// <summary>Multiclass classification trainers.</summary>
    public MulticlassClassificationTrainers MulticlassClassification { get; }

    /// <summary>Regression trainers.</summary>
    public RegressionTrainers Regression { get; }

    /// <summary>Text → text trainers and their evaluation.</summary>
    public SequenceToSequenceCatalog SequenceToSequence { get; }

    /// <summary>Multiclass classification trainers.</summary>
    public sealed class MulticlassClassificationTrainers
    {
        private readonly MLContext _ml;

        internal MulticlassClassificationTrainers(MLContext ml) => _ml = ml;

        /// <summary>A multilayer-perceptron classifier with the most used options.</summary>
        /// <param name="labelColumnName">Key label column.</param>
        /// <param name="featureColumnName">Known-size vector of Single.</param>
        /// <param name="hiddenLayers">Hidden layer widths; null gives the default [128].</param>
        /// <param name="activation">Hidden nonlinearity.</param>
        /// <param name="numberOfEpochs">Passes over the data.</param>
        /// <param name="batchSize">Rows per mini-batch.</param>
        /// <param name="learningRate">Adam step size.</param>
        /// <param name="seed">Seed; null derives it from the MLContext.</param>
        public MlpClassifier Mlp(string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
            int[]? hiddenLayers = null, ActivationKind activation = MlpOptions.Defaults.Activation,
            int numberOfEpochs = TrainerOptions.Defaults.NumberOfEpochs, int batchSize = TrainerOptions.Defaults.BatchSize,
            float learningRate = TrainerOptions.Defaults.LearningRate, int? seed = null) =>
            Mlp(new MlpClassifier.Options
            {
                LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName,
                HiddenLayers = hiddenLayers ?? (int[])MlpOptions.Defaults.HiddenLayers.Clone(), Activation = activation,
                NumberOfEpochs = numberOfEpochs, BatchSize = batchSize, LearningRate = learningRate, Seed = seed,
            });

        /// <summary>A multilayer-perceptron classifier with every option.</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public MlpClassifier Mlp(MlpClassifier.Options options) => new(_ml, options);

        /// <summary>An RNN/LSTM/GRU classifier over numeric sequences (T·F values per row) with the most used options.</summary>
        /// <param name="labelColumnName">Key label column.</param>
        /// <param name="featureColumnName">Known-size vector of Single holding T steps of F values.</param>
        /// <param name="featuresPerStep">F, values per time step.</param>
        /// <param name="cell">Recurrent cell.</param>
        /// <param name="hiddenSize">Hidden units per direction.</param>
        /// <param name="numberOfEpochs">Passes over the data.</param>
        /// <param name="batchSize">Rows per mini-batch.</param>
        /// <param name="learningRate">Adam step size.</param>
        /// <param name="seed">Seed; null derives it from the MLContext.</param>
        public RecurrentClassifier Recurrent(string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
            int featuresPerStep = NumericSequenceOptions.Defaults.FeaturesPerStep, RecurrentCellKind cell = RecurrentArchitecture.Defaults.Cell,
            int hiddenSize = RecurrentArchitecture.Defaults.HiddenSize, int numberOfEpochs = TrainerOptions.Defaults.NumberOfEpochs,
            int batchSize = TrainerOptions.Defaults.BatchSize, float learningRate = TrainerOptions.Defaults.LearningRate, int? seed = null) =>
            Recurrent(new RecurrentClassifier.Options
            {
                LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, FeaturesPerStep = featuresPerStep,
                Recurrent = new RecurrentArchitecture { Cell = cell, HiddenSize = hiddenSize },
                NumberOfEpochs = numberOfEpochs, BatchSize = batchSize, LearningRate = learningRate, Seed = seed,
            });

        /// <summary>An RNN/LSTM/GRU classifier over numeric sequences (T·F values per row) with every option.</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public RecurrentClassifier Recurrent(RecurrentClassifier.Options options) => new(_ml, options);

        /// <summary>An image classifier over planar CHW pixels (e.g. from ExtractPixels) with the most used options.</summary>
        /// <param name="labelColumnName">Key label column.</param>
        /// <param name="featureColumnName">Vector&lt;Single, C, H, W&gt; of pixels.</param>
        /// <param name="network">SmallCnn, ResNet or DenseNet, each with its default settings.</param>
        /// <param name="numberOfEpochs">Passes over the data.</param>
        /// <param name="batchSize">Rows per mini-batch.</param>
        /// <param name="learningRate">Adam step size.</param>
        /// <param name="seed">Seed; null derives it from the MLContext.</param>
        public ImageClassifier Image(string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
            ImageNetwork network = ImageClassifier.Options.Defaults.Network, int numberOfEpochs = TrainerOptions.Defaults.NumberOfEpochs,
            int batchSize = TrainerOptions.Defaults.BatchSize, float learningRate = TrainerOptions.Defaults.LearningRate, int? seed = null) =>
            Image(new ImageClassifier.Options
            {
                LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, Network = network,
                NumberOfEpochs = numberOfEpochs, BatchSize = batchSize, LearningRate = learningRate, Seed = seed,
            });

        /// <summary>An image classifier (SmallCnn, ResNet or DenseNet) over planar CHW pixels with every option.</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public ImageClassifier Image(ImageClassifier.Options options) => new(_ml, options);

        /// <summary>A text classifier over a raw text column (vocabulary learned in Fit) with the most used options.</summary>
        /// <param name="labelColumnName">Key label column.</param>
        /// <param name="textColumnName">Raw text column.</param>
        /// <param name="network">TextCNN or recurrent network, each with its default settings.</param>
        /// <param name="tokenUnit">Words or characters.</param>
        /// <param name="maximumLength">Tokens read per text (longer texts are truncated).</param>
        /// <param name="numberOfEpochs">Passes over the data.</param>
        /// <param name="batchSize">Rows per mini-batch.</param>
        /// <param name="learningRate">Adam step size.</param>
        /// <param name="seed">Seed; null derives it from the MLContext.</param>
        public TextClassifier Text(string labelColumnName = DefaultColumnNames.Label, string textColumnName = TextClassifier.Options.Defaults.TextColumnName,
            TextNetwork network = TextClassifier.Options.Defaults.Network, TokenUnit tokenUnit = TextClassifier.Options.Defaults.TokenUnit,
            int maximumLength = TextClassifier.Options.Defaults.MaximumLength, int numberOfEpochs = TrainerOptions.Defaults.NumberOfEpochs,
            int batchSize = TrainerOptions.Defaults.BatchSize, float learningRate = TrainerOptions.Defaults.LearningRate, int? seed = null) =>
            Text(new TextClassifier.Options
            {
                LabelColumnName = labelColumnName, TextColumnName = textColumnName, Network = network, TokenUnit = tokenUnit,
                MaximumLength = maximumLength, NumberOfEpochs = numberOfEpochs, BatchSize = batchSize, LearningRate = learningRate, Seed = seed,
            });

        /// <summary>A text classifier (TextCNN or recurrent) over a raw text column with every option.</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public TextClassifier Text(TextClassifier.Options options) => new(_ml, options);
    }

    /// <summary>Regression trainers.</summary>
    public sealed class RegressionTrainers
    {
        private readonly MLContext _ml;

        internal RegressionTrainers(MLContext ml) => _ml = ml;

        /// <summary>A multilayer-perceptron regressor with the most used options.</summary>
        /// <param name="labelColumnName">Single label column.</param>
        /// <param name="featureColumnName">Known-size vector of Single.</param>
        /// <param name="hiddenLayers">Hidden layer widths; null gives the default [128].</param>
        /// <param name="activation">Hidden nonlinearity.</param>
        /// <param name="numberOfEpochs">Passes over the data.</param>
        /// <param name="batchSize">Rows per mini-batch.</param>
        /// <param name="learningRate">Adam step size.</param>
        /// <param name="seed">Seed; null derives it from the MLContext.</param>
        public MlpRegressor Mlp(string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
            int[]? hiddenLayers = null, ActivationKind activation = MlpOptions.Defaults.Activation,
            int numberOfEpochs = TrainerOptions.Defaults.NumberOfEpochs, int batchSize = TrainerOptions.Defaults.BatchSize,
            float learningRate = TrainerOptions.Defaults.LearningRate, int? seed = null) =>
            Mlp(new MlpRegressor.Options
            {
                LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName,
                HiddenLayers = hiddenLayers ?? (int[])MlpOptions.Defaults.HiddenLayers.Clone(), Activation = activation,
                NumberOfEpochs = numberOfEpochs, BatchSize = batchSize, LearningRate = learningRate, Seed = seed,
            });

        /// <summary>A multilayer-perceptron regressor with every option.</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public MlpRegressor Mlp(MlpRegressor.Options options) => new(_ml, options);

        /// <summary>An RNN/LSTM/GRU regressor / forecaster over windows of a numeric series (see <see cref="SeriesWindows"/>) with the most used options.</summary>
        /// <param name="labelColumnName">Single label column (the next value of the series).</param>
        /// <param name="featureColumnName">Known-size vector of Single holding T steps of F values.</param>
        /// <param name="featuresPerStep">F, values per time step.</param>
        /// <param name="cell">Recurrent cell.</param>
        /// <param name="hiddenSize">Hidden units per direction.</param>
        /// <param name="numberOfEpochs">Passes over the data.</param>
        /// <param name="batchSize">Rows per mini-batch.</param>
        /// <param name="learningRate">Adam step size.</param>
        /// <param name="seed">Seed; null derives it from the MLContext.</param>
        public RecurrentRegressor Recurrent(string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
            int featuresPerStep = NumericSequenceOptions.Defaults.FeaturesPerStep, RecurrentCellKind cell = RecurrentArchitecture.Defaults.Cell,
            int hiddenSize = RecurrentArchitecture.Defaults.HiddenSize, int numberOfEpochs = TrainerOptions.Defaults.NumberOfEpochs,
            int batchSize = TrainerOptions.Defaults.BatchSize, float learningRate = TrainerOptions.Defaults.LearningRate, int? seed = null) =>
            Recurrent(new RecurrentRegressor.Options
            {
                LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, FeaturesPerStep = featuresPerStep,
                Recurrent = new RecurrentArchitecture { Cell = cell, HiddenSize = hiddenSize },
                NumberOfEpochs = numberOfEpochs, BatchSize = batchSize, LearningRate = learningRate, Seed = seed,
            });

        /// <summary>An RNN/LSTM/GRU regressor / forecaster over windows of a numeric series with every option.</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public RecurrentRegressor Recurrent(RecurrentRegressor.Options options) => new(_ml, options);
    }

    /// <summary>Text → text trainers (<see cref="MlNetDeep.EncoderDecoder"/>) and their evaluation.</summary>
    public sealed class SequenceToSequenceCatalog
    {
        private readonly MLContext _ml;

        internal SequenceToSequenceCatalog(MLContext ml) => _ml = ml;

        /// <summary>An encoder–decoder with attention, text → text, with the most used options.</summary>
        /// <param name="labelColumnName">Target text column (String), read in Fit only.</param>
        /// <param name="sourceColumnName">Source text column (String).</param>
        /// <param name="predictedTextColumnName">Output text column.</param>
        /// <param name="sourceTokenUnit">How the source is cut: characters or words.</param>
        /// <param name="targetTokenUnit">How the target is cut and the output joined: characters or words.</param>
        /// <param name="beamSize">Beam size K (1 is greedy decoding).</param>
        /// <param name="numberOfEpochs">Passes over the data.</param>
        /// <param name="batchSize">Pairs per mini-batch.</param>
        /// <param name="learningRate">Adam step size.</param>
        /// <param name="seed">Seed; null derives it from the MLContext.</param>
        public MlNetDeep.EncoderDecoder EncoderDecoder(string labelColumnName = DefaultColumnNames.Label,
            string sourceColumnName = MlNetDeep.EncoderDecoder.Options.Defaults.SourceColumnName,
            string predictedTextColumnName = MlNetDeep.EncoderDecoder.Options.Defaults.PredictedTextColumnName,
            TokenUnit sourceTokenUnit = MlNetDeep.EncoderDecoder.Options.Defaults.TokenUnit, TokenUnit targetTokenUnit = MlNetDeep.EncoderDecoder.Options.Defaults.TokenUnit,
            int beamSize = DecodingOptions.Defaults.BeamSize, int numberOfEpochs = TrainerOptions.Defaults.NumberOfEpochs,
            int batchSize = TrainerOptions.Defaults.BatchSize, float learningRate = TrainerOptions.Defaults.LearningRate, int? seed = null) =>
            EncoderDecoder(new MlNetDeep.EncoderDecoder.Options
            {
                LabelColumnName = labelColumnName, SourceColumnName = sourceColumnName, PredictedTextColumnName = predictedTextColumnName,
                SourceTokenUnit = sourceTokenUnit, TargetTokenUnit = targetTokenUnit, Decoding = new DecodingOptions { BeamSize = beamSize },
                NumberOfEpochs = numberOfEpochs, BatchSize = batchSize, LearningRate = learningRate, Seed = seed,
            });

        /// <summary>An encoder–decoder with attention, text → text, with every option.</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public MlNetDeep.EncoderDecoder EncoderDecoder(MlNetDeep.EncoderDecoder.Options options) => new(_ml, options);

        /// <summary>
        /// Sequence error rate, token error rate (edit distance) and BLEU-4 of predicted texts against references.
        /// </summary>
        /// <param name="data">Scored data.</param>
        /// <param name="labelColumnName">References: String, or Vector&lt;String&gt; when a row has several (any may match).</param>
        /// <param name="predictedTextColumnName">Predicted String column.</param>
        /// <param name="tokenUnit">Tokens compared: characters, or words split on spaces.</param>
        public SequenceToSequenceMetrics Evaluate(IDataView data, string labelColumnName = DefaultColumnNames.Label,
            string predictedTextColumnName = MlNetDeep.EncoderDecoder.Options.Defaults.PredictedTextColumnName,
            TokenUnit tokenUnit = MlNetDeep.EncoderDecoder.Options.Defaults.TokenUnit) =>
            SequenceEvaluator.Evaluate(data, labelColumnName, predictedTextColumnName, tokenUnit);
    }
}
