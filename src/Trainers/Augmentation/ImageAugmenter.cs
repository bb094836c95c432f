using MlNetDeep.Engine;

namespace MlNetDeep.Trainers;

/// <summary>
/// Applies an <see cref="ImageAugmentation"/> to one raw image (C, H, W) in place: random crop with zero padding, then
/// horizontal flip, then translation with reflected borders; every channel moves together. Draws from the generator in a
/// fixed order (crop dy, dx; flip; translation dy, dx, each only when on), so a seed fixes every image.
/// </summary>
internal sealed class ImageAugmenter(ImageAugmentation settings, int channels, int height, int width)
{
    private readonly float[] _source = new float[channels * height * width];

    /// <summary>Changes <paramref name="image"/> (C·H·W values, channels first).</summary>
    public void Apply(Span<float> image, Rng rng)
    {
        int dy = 0, dx = 0;
        bool flip = false;
        int p = settings.CropPadding;
        if (p > 0) { dy = rng.NextInt(2 * p + 1) - p; dx = rng.NextInt(2 * p + 1) - p; }
        if (settings.HorizontalFlip) flip = rng.NextFloat() < 0.5f;
        int t = settings.MaximumTranslation;
        int ty = 0, tx = 0;
        if (t > 0) { ty = rng.NextInt(2 * t + 1) - t; tx = rng.NextInt(2 * t + 1) - t; }
        if (dy == 0 && dx == 0 && !flip && ty == 0 && tx == 0) return;

        image.CopyTo(_source);
        for (int c = 0; c < channels; c++)
        {
            var plane = image.Slice(c * height * width, height * width);
            ReadOnlySpan<float> src = _source.AsSpan(c * height * width, height * width);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    // Output (y, x) ← translation source (reflected) ← flip ← crop source (zero outside).
                    int ay = Reflect(y - ty, height), ax = Reflect(x - tx, width);
                    if (flip) ax = width - 1 - ax;
                    int sy = ay + dy, sx = ax + dx;
                    plane[y * width + x] = (uint)sy < (uint)height && (uint)sx < (uint)width ? src[sy * width + sx] : 0f;
                }
        }
    }

    /// <summary>Index <paramref name="i"/> reflected into [0, n) about the edge of the last pixel (Keras "reflect":
    /// d c b a | a b c d | d c b a).</summary>
    internal static int Reflect(int i, int n)
    {
        int period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }
}
