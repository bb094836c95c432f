using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Layers that only act while training → no node: <see cref="Dropout"/> and <see cref="Dropout2d"/> (inverted dropout
/// scales while training, so inference is the identity) and <see cref="TokenDropout"/>.
/// </summary>
internal sealed class IdentityExporter() : ModuleExporter<Module>(typeof(Dropout), typeof(Dropout2d), typeof(TokenDropout))
{
    protected override string Export(OnnxGraphBuilder graph, Module layer, string input) => input;
}
