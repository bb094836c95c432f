// Fashion-MNIST (Debian dataset-fashion-mnist, 60k training + 10k test images) written out as PNG folders and read
// back through ML.NET's own image pipeline: LoadImages → ResizeImages → ExtractPixels → MlNetDeep image classifier.
// Usage: bash examples/FashionMnist/fetch-data.sh && dotnet run -c Release --project examples/FashionMnist [-- smallcnn|resnet|augmented] [epochs]
//        [--data FOLDER] [--output DIR]   (see README.md)
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Transforms.Image;
using MlNetDeep;
using MlNetDeep.Examples;
using MlNetDeep.Examples.FashionMnist;

var arguments = args.ToList();
string folder, output;
try
{
    folder = DataFolder.TakeOption(arguments, "--data") ?? DataFolder.Default("data");
    output = DataFolder.TakeOption(arguments, "--output") ?? DataFolder.Default("output");
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
string network = arguments.FirstOrDefault() ?? "smallcnn";
if (network is not ("smallcnn" or "resnet" or "augmented"))
{
    Console.Error.WriteLine($"unknown network '{network}': expected smallcnn, resnet or augmented");
    return 2;
}
int epochs = arguments.Count > 1 ? int.Parse(arguments[1]) : network switch { "resnet" => 2, "augmented" => 32, _ => 8 };
bool augmented = network == "augmented";
string idx = Path.Combine(folder, "idx"), png = Path.Combine(folder, "png");
if (!File.Exists(Path.Combine(idx, "t10k-labels-idx1-ubyte.gz")))
{
    Console.Error.WriteLine($"Fashion-MNIST data not found: {Path.Combine(idx, "t10k-labels-idx1-ubyte.gz")} does not exist. Fetch the data with  " +
        "bash examples/FashionMnist/fetch-data.sh [FOLDER]  (FOLDER defaults to examples/FashionMnist/data), or pass --data <folder> " +
        $"naming a folder that holds idx/*-ubyte.gz (default: {DataFolder.Default("data")}).");
    return 2;
}
var clock = Stopwatch.StartNew();
var trainFiles = PngFolders.Ensure(idx, png, "train");
var testFiles = PngFolders.Ensure(idx, png, "test");
Console.WriteLine($"{trainFiles.Count} training and {testFiles.Count} test PNGs under {png} ({clock.Elapsed.TotalSeconds:F0} s)");

var ml = new MLContext(seed: 1);
var options = new ImageClassifier.Options
{
    Network = network == "resnet" ? ImageNetwork.ResNet : ImageNetwork.SmallCnn,
    SmallCnn = new SmallCnnArchitecture(),                                  // the benchmark's "lenet": 421,834 parameters
    ResNet = new ResNetArchitecture { StageChannels = [16, 32, 64], BlocksPerStage = [1, 1, 1] },
    NumberOfEpochs = epochs, BatchSize = 64, LearningRate = 1e-3f, Seed = 1,
    Progress = new Progress<EpochReport>(r => Console.WriteLine($"  {r}")),
};
if (augmented)
{
    // The same two-stage CNN, twice as wide, trained longer with this issue's training options: random crops of the image
    // padded by 2 pixels and horizontal flips, a one-cycle schedule peaking at 3e-3, AdamW-style weight decay and label smoothing.
    options.SmallCnn = new SmallCnnArchitecture { Conv1Channels = 64, Conv2Channels = 128, HiddenUnits = 256 };
    options.Augmentation = new ImageAugmentation { CropPadding = 2, HorizontalFlip = true };
    options.BatchSize = 128;
    options.LearningRate = 3e-3f;
    options.LearningRateSchedule = LearningRateSchedule.OneCycle();
    options.WeightDecay = 0.05f;                                             // decoupled: each step shrinks weights by lr·0.05
    options.LabelSmoothing = 0.1f;
}
var trainer = ml.DeepLearning().MulticlassClassification.Image(options);
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.Transforms.LoadImages("Image", png, "Path"))
    .Append(ml.Transforms.ResizeImages("Image", 28, 28))
    .Append(ml.Transforms.ExtractPixels("Features", "Image", colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red)) // gray: R = G = B
    .AppendCacheCheckpoint(ml)                                              // decode the PNGs once, not every epoch
    .Append(trainer)
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));

var model = pipeline.Fit(ml.Data.LoadFromEnumerable(trainFiles));
Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F0} s");
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(testFiles)));
Console.WriteLine($"{network}: test accuracy {metrics.MicroAccuracy:P2}, macro accuracy {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F4} ({clock.Elapsed.TotalSeconds:F0} s)");

Directory.CreateDirectory(output);
ml.Model.Save(model, ml.Data.LoadFromEnumerable(trainFiles).Schema, Path.Combine(output, $"{network}.zip"));
trainer.LastTrainingReport!.SaveOnnx(Path.Combine(output, $"{network}.onnx"));
trainer.LastTrainingReport.SaveCurves(Path.Combine(output, $"{network}-curves.png"));       // training loss per epoch
trainer.LastTrainingReport.SaveHistoryCsv(Path.Combine(output, $"{network}-history.csv"));
Console.WriteLine($"saved {network}.zip, {network}.onnx, {network}-curves.png and {network}-history.csv in {output}");
var engine = new MLContext().Model.CreatePredictionEngine<ImageFile, Prediction>(new MLContext().Model.Load(Path.Combine(output, $"{network}.zip"), out _));
foreach (var file in testFiles.Take(5)) Console.WriteLine($"  {file.Path}: predicted {engine.Predict(file).PredictedClass}");
// SmallCnn measures 91.1 % here (README); 89 % leaves room for another machine's summation order.
return network == "smallcnn" && metrics.MicroAccuracy < 0.89 || augmented && epochs >= 32 && metrics.MicroAccuracy < 0.935 ? 1 : 0;

internal sealed class Prediction
{
    public string PredictedClass { get; set; } = "";
}
