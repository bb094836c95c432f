namespace MlNetDeep;

/// <summary>
/// Random changes to each training image, drawn again every epoch (never applied to validation or scoring): the image
/// trainer's data augmentation. Applied to the raw pixels, before the per-channel normalisation. All off by default.
/// </summary>
public sealed record ImageAugmentation
{
    /// <summary>
    /// Random crop with padding (PyTorch's RandomCrop(size, padding)): the image is padded with this many zero (black)
    /// pixels on every side and a window of the original size is cut at a random position, i.e. shifted by up to this
    /// many pixels each way. ≥ 0, below the image's height and width. <value>Default 0 (off).</value>
    /// </summary>
    public int CropPadding { get; init; }

    /// <summary>Mirrors half of the images left to right (PyTorch's RandomHorizontalFlip). <value>Default false.</value></summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>
    /// Random translation by up to this many pixels horizontally and vertically, filling the uncovered border by
    /// reflection (Keras' RandomTranslation with fill_mode "reflect"); after the crop when both are on. ≥ 0, below the
    /// image's height and width. <value>Default 0 (off).</value>
    /// </summary>
    public int MaximumTranslation { get; init; }

    /// <summary>True when at least one change is on.</summary>
    public bool IsActive => CropPadding > 0 || HorizontalFlip || MaximumTranslation > 0;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    internal void Check()
    {
        if (CropPadding < 0) throw new ArgumentOutOfRangeException(nameof(CropPadding), CropPadding, "CropPadding must be ≥ 0.");
        if (MaximumTranslation < 0) throw new ArgumentOutOfRangeException(nameof(MaximumTranslation), MaximumTranslation, "MaximumTranslation must be ≥ 0.");
    }

    /// <summary>Throws naming the setting that does not fit an image of <paramref name="height"/> × <paramref name="width"/>.</summary>
    internal void CheckImage(int height, int width)
    {
        int smaller = Math.Min(height, width);
        if (CropPadding >= smaller)
            throw new ArgumentOutOfRangeException(nameof(CropPadding), CropPadding, $"CropPadding {CropPadding} must be below the image's height and width ({height} × {width}).");
        if (MaximumTranslation >= smaller)
            throw new ArgumentOutOfRangeException(nameof(MaximumTranslation), MaximumTranslation, $"MaximumTranslation {MaximumTranslation} must be below the image's height and width ({height} × {width}).");
    }

    /// <inheritdoc/>
    public override string ToString() => $"crop padding {CropPadding}, horizontal flip {(HorizontalFlip ? "on" : "off")}, translation ±{MaximumTranslation}";
}
