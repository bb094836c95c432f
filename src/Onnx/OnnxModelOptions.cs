namespace MlNetDeep.Onnx;

/// <summary>
/// Model-level settings for <see cref="OnnxModelWriter"/>.
/// </summary>
internal sealed class OnnxModelOptions
{
    /// <summary>Lowest supported default-domain opset.</summary>
    public const int MinOpset = 13;

    /// <summary>Highest supported default-domain opset.</summary>
    public const int MaxOpset = 23;

    private int _opset = 17;

    /// <summary>
    /// The ai.onnx opset version, <see cref="MinOpset"/>..<see cref="MaxOpset"/>; default 17.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the supported range.</exception>
    public int Opset
    {
        get => _opset;
        set
        {
            IrVersionForOpset(value);
            _opset = value;
        }
    }

    /// <summary>The IR version written to the model, derived from <see cref="Opset"/>.</summary>
    public long IrVersion => IrVersionForOpset(_opset);

    /// <summary>Producer name; default <c>"MlNetDeep"</c>.</summary>
    public string ProducerName { get; set; } = "MlNetDeep";

    /// <summary>Producer version; defaults to the MlNetDeep.Onnx assembly version.</summary>
    public string ProducerVersion { get; set; } =
        typeof(OnnxModelOptions).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>Optional model domain (reverse-DNS), written when non-empty.</summary>
    public string? Domain { get; set; }

    /// <summary>Optional model version, written when non-zero.</summary>
    public long ModelVersion { get; set; }

    /// <summary>Optional model documentation string.</summary>
    public string? DocString { get; set; }

    /// <summary>Key/value pairs written as <c>metadata_props</c> (in key order, for deterministic output).</summary>
    public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// Extra operator-set imports (domain → version), e.g. <c>{"com.microsoft", 1}</c>. The default domain is
    /// always imported at <see cref="Opset"/> and must not appear here.
    /// </summary>
    public IDictionary<string, long> AdditionalOpsets { get; set; } = new Dictionary<string, long>();

    /// <summary>
    /// The IR version matching an opset: 13–14 → 7, 15–18 → 8, 19–20 → 9, 21–22 → 10, 23 → 11.
    /// </summary>
    /// <param name="opset">The ai.onnx opset.</param>
    /// <returns>The IR version.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="opset"/> is outside 13..23.</exception>
    public static long IrVersionForOpset(int opset) => opset switch
    {
        13 or 14 => 7,
        >= 15 and <= 18 => 8,
        19 or 20 => 9,
        21 or 22 => 10,
        23 => 11,
        _ => throw new ArgumentOutOfRangeException(
            nameof(Opset), opset, $"OnnxModelOptions.Opset must be between {MinOpset} and {MaxOpset}."),
    };
}
