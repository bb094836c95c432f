using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Trainers.Tests;

/// <summary>
/// The image augmentation against straightforward pad-shift-flip implementations written here, its randomness (every
/// offset drawn, flips half the time), and its place in the loop: training rows only, deterministic for a seed.
/// </summary>
public class ImageAugmentationTests
{
    private const int C = 2, H = 4, W = 5;

    private static float[] Image() => [.. Enumerable.Range(1, C * H * W).Select(i => (float)i)];

    private static float At(float[] image, int c, int y, int x) => image[(c * H + y) * W + x];

    /// <summary>The (dy, dx) by which <paramref name="output"/> is <paramref name="input"/> shifted with zero fill (optionally mirrored), or null.</summary>
    private static (int Dy, int Dx)? ShiftOf(float[] input, float[] output, int padding, bool mirrored)
    {
        for (int dy = -padding; dy <= padding; dy++)
            for (int dx = -padding; dx <= padding; dx++)
            {
                bool all = true;
                for (int c = 0; c < C && all; c++)
                    for (int y = 0; y < H && all; y++)
                        for (int x = 0; x < W && all; x++)
                        {
                            int sx = (mirrored ? W - 1 - x : x) + dx, sy = y + dy;
                            float expected = sy is >= 0 and < H && sx is >= 0 and < W ? At(input, c, sy, sx) : 0f;
                            all = output[(c * H + y) * W + x] == expected;
                        }
                if (all) return (dy, dx);
            }
        return null;
    }

    [Fact]
    public void CropWithPaddingIsAZeroFilledShiftAndDrawsEveryOffset()
    {
        var augmenter = new ImageAugmenter(new ImageAugmentation { CropPadding = 1 }, C, H, W);
        var rng = new Rng(3);
        var seen = new HashSet<(int, int)>();
        for (int i = 0; i < 400; i++)
        {
            var image = Image();
            augmenter.Apply(image, rng);
            var shift = ShiftOf(Image(), image, 1, mirrored: false);
            Assert.NotNull(shift);
            seen.Add(shift.Value);
        }
        Assert.Equal(9, seen.Count); // every (dy, dx) in [−1, 1]²
    }

    [Fact]
    public void HorizontalFlipMirrorsAboutHalfTheImages()
    {
        var augmenter = new ImageAugmenter(new ImageAugmentation { HorizontalFlip = true }, C, H, W);
        var rng = new Rng(4);
        int flipped = 0;
        for (int i = 0; i < 1000; i++)
        {
            var image = Image();
            augmenter.Apply(image, rng);
            if (ShiftOf(Image(), image, 0, mirrored: true) is not null) flipped++;
            else Assert.Equal(Image(), image);
        }
        Assert.InRange(flipped, 450, 550);
    }

    [Fact]
    public void TranslationFillsTheBorderByReflection()
    {
        // Keras "reflect": d c b a | a b c d | d c b a.
        Assert.Equal([1, 0, 0, 1, 2, 3, 3, 2], Enumerable.Range(-2, 8).Select(i => ImageAugmenter.Reflect(i, 4)));
        var augmenter = new ImageAugmenter(new ImageAugmentation { MaximumTranslation = 2 }, C, H, W);
        var rng = new Rng(5);
        var seen = new HashSet<(int, int)>();
        for (int i = 0; i < 500; i++)
        {
            var image = Image();
            augmenter.Apply(image, rng);
            (int, int)? match = null;
            for (int ty = -2; ty <= 2 && match is null; ty++)
                for (int tx = -2; tx <= 2 && match is null; tx++)
                {
                    bool all = true;
                    for (int c = 0; c < C && all; c++)
                        for (int y = 0; y < H && all; y++)
                            for (int x = 0; x < W && all; x++)
                                all = image[(c * H + y) * W + x] == At(Image(), c, Mirror(y - ty, H), Mirror(x - tx, W));
                    if (all) match = (ty, tx);
                }
            Assert.NotNull(match);
            seen.Add(match.Value);
        }
        Assert.Equal(25, seen.Count);

        // Written independently of ImageAugmenter.Reflect: fold into [0, 2n), then mirror the upper half.
        static int Mirror(int i, int n)
        {
            while (i < 0) i += 2 * n;
            i %= 2 * n;
            return i >= n ? 2 * n - 1 - i : i;
        }
    }

    private sealed class Row
    {
        [VectorType(1, 4, 4)] public float[] Features { get; set; } = [];
        [KeyType(2)] public uint Label { get; set; }
    }

    private static readonly SupervisedColumns Columns = new(new FeatureInput("Features", 16, Shape: [1, 4, 4]), "Label", TargetKind.Classification, 2);

    /// <summary>A bright pixel on the left or the right half: the class.</summary>
    private static IDataView Images(MLContext ml, int n, int seed)
    {
        var rng = new Rng(seed);
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, n).Select(_ =>
        {
            var pixels = new float[16];
            for (int i = 0; i < 16; i++) pixels[i] = rng.Uniform(0, 0.2f);
            bool right = rng.NextFloat() < 0.5f;
            pixels[rng.NextInt(4) * 4 + (right ? 3 : 0)] = 1f;
            return new Row { Features = pixels, Label = right ? 1u : 0u };
        }).ToList());
    }

    private static (TrainingResult Result, float[] Weights) Train(ImageAugmentation? augmentation, float rate)
    {
        var ml = new MLContext(seed: 1);
        var train = Images(ml, 96, 1);
        var scan = DataScan.Run(train, Columns, "training data");
        var network = Mlp.Build(new MlpArchitecture(16, [8], 2), new Rng(1));
        var settings = new TrainingSettings
        {
            NumberOfEpochs = 2, BatchSize = 16, Seed = 2, CreateOptimizer = p => new Sgd(p, rate), Augmentation = augmentation,
        };
        var result = new SupervisedTrainer(Columns, settings).Train(network, scan.PerSlot(), train, scan, Images(ml, 32, 2));
        return (result, [.. network.Parameters().SelectMany(p => p.Span.ToArray())]);
    }

    [Fact]
    public void AugmentationChangesTrainingRowsOnlyAndASeedFixesIt()
    {
        var flip = new ImageAugmentation { HorizontalFlip = true, CropPadding = 1 };
        // A rate so small the weights stay put: the validation loss sees the same network with and without augmentation.
        var (plain, _) = Train(null, 1e-9f);
        var (augmented, _) = Train(flip, 1e-9f);
        Assert.NotEqual(plain.History[0].TrainingLoss, augmented.History[0].TrainingLoss);
        Assert.Equal(plain.History[0].ValidationLoss!.Value, augmented.History[0].ValidationLoss!.Value, 6);

        var (_, first) = Train(flip, 0.1f);
        var (_, second) = Train(flip, 0.1f);
        var (_, unaugmented) = Train(null, 0.1f);
        Assert.Equal(first, second);
        Assert.NotEqual(first, unaugmented);
    }
}
