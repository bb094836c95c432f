using MlNetDeep.Cli.Tests.Support;

namespace MlNetDeep.Cli.Tests;

/// <summary>The small models, trained once for all tests of a class, in a temporary folder deleted at the end.</summary>
public sealed class ModelsFixture : IDisposable
{
    public ModelsFixture()
    {
        Folder = Directory.CreateTempSubdirectory("mlnetdeep-cli-models-").FullName;
        Classifier = Models.Classifier(Folder);
        NumericLabelClassifier = Models.NumericLabelClassifier(Folder);
        Regressor = Models.Regressor(Folder);
        TextToText = Models.TextToText(Folder);
    }

    public string Folder { get; }

    public SavedModelFile Classifier { get; }

    public SavedModelFile NumericLabelClassifier { get; }

    public SavedModelFile Regressor { get; }

    public SavedModelFile TextToText { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>All test classes share one set of trained models (training is the slow part).</summary>
[CollectionDefinition(Name)]
public sealed class ModelsCollection : ICollectionFixture<ModelsFixture>
{
    public const string Name = "models";
}
