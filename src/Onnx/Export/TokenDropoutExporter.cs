using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>TokenDropout only acts while training: no node.</summary>
internal sealed class TokenDropoutExporter : IModuleExporter
{
    public Type ModuleType => typeof(TokenDropout);

    public string Export(OnnxGraphBuilder graph, Module module, string input) => input;
}
