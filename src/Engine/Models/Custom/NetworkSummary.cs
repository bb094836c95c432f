using System.Globalization;
using System.Text;

namespace MlNetDeep;

/// <summary>One row of a <see cref="NetworkSummary"/>.</summary>
/// <param name="Position">0 for the input, then 1, 2, … for the layers.</param>
/// <param name="Name">Layer name, e.g. "Dense(128)".</param>
/// <param name="OutputShape">Output shape per example: (F), (T, F), token ids (T), or (C, H, W).</param>
/// <param name="Parameters">Trainable parameters of the layer (BatchNorm's running averages are not trained, so not counted).</param>
public sealed record LayerSummary(int Position, string Name, IReadOnlyList<int> OutputShape, long Parameters);

/// <summary>Every layer of a network with its output shape and parameter count, like Keras' <c>model.summary()</c>.</summary>
public sealed class NetworkSummary
{
    internal NetworkSummary(IReadOnlyList<LayerSummary> layers) => Layers = layers;

    /// <summary>The input (position 0), then each layer.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>Trainable parameters of the whole network.</summary>
    public long TotalParameters => Layers.Sum(l => l.Parameters);

    /// <summary>A table: position, layer, output shape, parameters; then the total.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        int nameWidth = Math.Max(5, Layers.Max(l => l.Name.Length));
        int shapeWidth = Math.Max(12, Layers.Max(l => NetworkDefinition.ShapeText(l.OutputShape).Length));
        var text = new StringBuilder();
        text.Append(c, $"{"#",3}  {"layer".PadRight(nameWidth)}  {"output shape".PadRight(shapeWidth)}  {"parameters",12}\n");
        foreach (var l in Layers)
            text.Append(c, $"{l.Position,3}  {l.Name.PadRight(nameWidth)}  {NetworkDefinition.ShapeText(l.OutputShape).PadRight(shapeWidth)}  {l.Parameters,12:N0}\n");
        text.Append(c, $"trainable parameters: {TotalParameters:N0}");
        return text.ToString();
    }
}
