using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MlNetDeep.Transforms;

/// <summary>
/// What <see cref="CheckImageFactory"/> needs to know about one scorer: the user's image column (for messages) and the
/// network's smallest input. A CustomMapping factory keeps no state, so these travel as a constant String column made by
/// ML.NET's Expression transform (saved with the model); <see cref="Encode"/> keeps the column name out of the expression
/// syntax (Base64).
/// </summary>
/// <param name="Column">The user's encoded-image column.</param>
/// <param name="MinimumHeight">Smallest H the network accepts.</param>
/// <param name="MinimumWidth">Smallest W the network accepts.</param>
internal sealed record ImageScoringSettings(string Column, int MinimumHeight, int MinimumWidth)
{
    private const string Version = "v1";

    /// <summary>"v1;minH;minW;Base64(UTF-8 column)": letters, digits, '+', '/', '=' and ';' only.</summary>
    public string Encode() =>
        string.Join(';', Version, MinimumHeight.ToString(CultureInfo.InvariantCulture), MinimumWidth.ToString(CultureInfo.InvariantCulture),
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Column)));

    /// <summary>Reads what <see cref="Encode"/> wrote.</summary>
    /// <param name="text">Encoded settings.</param>
    /// <exception cref="FormatException">The text was not written by <see cref="Encode"/>.</exception>
    public static ImageScoringSettings Parse(string text)
    {
        var parts = text.Split(';');
        if (parts.Length != 4 || parts[0] != Version)
            throw new FormatException($"'{text}' is not an MlNetDeep image scoring setting ({Version}).");
        return new ImageScoringSettings(Encoding.UTF8.GetString(Convert.FromBase64String(parts[3])),
            int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>The Expression transform that writes these settings into <paramref name="outputColumn"/> of every row.</summary>
    /// <param name="ml">Context.</param>
    /// <param name="outputColumn">String column to create.</param>
    /// <param name="anyInputColumn">Any Int64 column (Expression needs an input; its value is ignored).</param>
    public IEstimator<ITransformer> CreateConstantColumn(MLContext ml, string outputColumn, string anyInputColumn) =>
        ml.Transforms.Expression(outputColumn, $"x => \"{Encode()}\"", anyInputColumn);
}

/// <summary>Input row of <see cref="CheckImageFactory"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CheckImageInputRow
{
    /// <summary>H of the decoded image.</summary>
    [ColumnName(TemporaryColumns.ImageHeight)]
    public long Height { get; set; }

    /// <summary>W of the decoded image.</summary>
    [ColumnName(TemporaryColumns.ImageWidth)]
    public long Width { get; set; }

    /// <summary>Decoding problem, empty if none.</summary>
    [ColumnName(TemporaryColumns.ImageProblem)]
    public string Problem { get; set; } = "";

    /// <summary>Encoded <see cref="ImageScoringSettings"/>.</summary>
    [ColumnName(TemporaryColumns.ImageSettings)]
    public string Settings { get; set; } = "";
}

/// <summary>Output row of <see cref="CheckImageFactory"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CheckedImageSizeRow
{
    /// <summary>(H, W) for the ONNX model's int64 [N, 2] size input.</summary>
    [ColumnName(TemporaryColumns.ImageSize), VectorType(2)]
    public long[] Size { get; set; } = [];
}

/// <summary>
/// Fails a row whose image could not be decoded or is smaller than the network accepts, with the user's column name
/// and the minimum size, before ONNX Runtime sees it (where empty feature maps would give an obscure kernel error).
/// The ONNX model reads the size this mapping writes, so ML.NET cannot score a row without running the check.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(ContractName)]
public sealed class CheckImageFactory : CustomMappingFactory<CheckImageInputRow, CheckedImageSizeRow>
{
    /// <summary>Contract name stored in saved models; never change it.</summary>
    internal const string ContractName = "MlNetDeep.CheckImage";

    /// <summary>The mapping itself.</summary>
    /// <param name="input">Decoded size, problem and settings.</param>
    /// <param name="output">(H, W).</param>
    /// <exception cref="InvalidOperationException">The image is missing, undecodable or too small (column and sizes named).</exception>
    internal static void Map(CheckImageInputRow input, CheckedImageSizeRow output)
    {
        var settings = ImageScoringSettings.Parse(input.Settings);
        if (input.Problem.Length > 0)
            throw new InvalidOperationException($"Image column '{settings.Column}' {input.Problem}");
        if (input.Height < settings.MinimumHeight || input.Width < settings.MinimumWidth)
            throw new InvalidOperationException(
                $"Image column '{settings.Column}' holds a {input.Width}×{input.Height} image (width × height); this network needs at least " +
                $"{settings.MinimumWidth}×{settings.MinimumHeight} pixels.");
        output.Size = [input.Height, input.Width];
    }

    /// <inheritdoc/>
    public override Action<CheckImageInputRow, CheckedImageSizeRow> GetMapping() => Map;
}
