using MlNetDeep;
using MlNetDeep.Engine.Layers;

namespace Microsoft.ML;

/// <summary>MlNetDeep's trainers, grouped by task like ML.NET's own catalogs.</summary>
public sealed class DeepLearningCatalog
{
    internal DeepLearningCatalog(MLContext mlContext)
    {
        MulticlassClassification = new MulticlassClassificationTrainers(mlContext);
        Regression = new RegressionTrainers(mlContext);
    }

    /// <summary>Multiclass classification trainers.</summary>
    public MulticlassClassificationTrainers MulticlassClassification { get; }

    /// <summary>Regression trainers.</summary>
    public RegressionTrainers Regression { get; }

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
            int[]? hiddenLayers = null, ActivationKind activation = MlpOptions.ArchitectureDefaults.Activation,
            int numberOfEpochs = TrainerOptions.Defaults.NumberOfEpochs, int batchSize = TrainerOptions.Defaults.BatchSize,
            float learningRate = TrainerOptions.Defaults.LearningRate, int? seed = null) =>
            Mlp(new MlpClassifier.Options
            {
                LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName,
                HiddenLayers = hiddenLayers ?? (int[])MlpOptions.ArchitectureDefaults.HiddenLayers.Clone(), Activation = activation,
                NumberOfEpochs = numberOfEpochs, BatchSize = batchSize, LearningRate = learningRate, Seed = seed,
            });

        /// <summary>A multilayer-perceptron classifier with every option.</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public MlpClassifier Mlp(MlpClassifier.Options options) => new(_ml, options);

        /// <summary>An RNN/LSTM/GRU classifier over numeric sequences (T·F values per row).</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public RecurrentClassifier Recurrent(RecurrentClassifier.Options options) => new(_ml, options);

        /// <summary>An image classifier (SmallCnn, ResNet or DenseNet) over planar CHW pixels, e.g. from ExtractPixels.</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public ImageClassifier Image(ImageClassifier.Options options) => new(_ml, options);

        /// <summary>A text classifier (TextCNN or recurrent) over a raw text column; the vocabulary is learned in Fit.</summary>
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
            int[]? hiddenLayers = null, ActivationKind activation = MlpOptions.ArchitectureDefaults.Activation,
            int numberOfEpochs = TrainerOptions.Defaults.NumberOfEpochs, int batchSize = TrainerOptions.Defaults.BatchSize,
            float learningRate = TrainerOptions.Defaults.LearningRate, int? seed = null) =>
            Mlp(new MlpRegressor.Options
            {
                LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName,
                HiddenLayers = hiddenLayers ?? (int[])MlpOptions.ArchitectureDefaults.HiddenLayers.Clone(), Activation = activation,
                NumberOfEpochs = numberOfEpochs, BatchSize = batchSize, LearningRate = learningRate, Seed = seed,
            });

        /// <summary>A multilayer-perceptron regressor with every option.</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public MlpRegressor Mlp(MlpRegressor.Options options) => new(_ml, options);

        /// <summary>An RNN/LSTM/GRU regressor / forecaster over windows of a numeric series (see <see cref="SeriesWindows"/>).</summary>
        /// <param name="options">Options; checked now, before any data is read.</param>
        public RecurrentRegressor Recurrent(RecurrentRegressor.Options options) => new(_ml, options);
    }
}
