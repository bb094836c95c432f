using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// <see cref="SpatialPyramidPool"/> for any input size (H and W read at run time, DESIGN.md §4). With hw = Shape(x)[2:4] (int64),
/// bin (i, j) of level n is Slice(x, starts = ⌊[i, j]·hw / n⌋, ends = ⌊([i+1, j+1]·hw + n − 1) / n⌋ = ⌈[i+1, j+1]·hw / n⌉,
/// axes = [2, 3]) reduced by ReduceMax / ReduceMean (axes attribute, opset 17; keepdims = 1) to (B, C, 1, 1).
/// Bins are concatenated along W then H into (B, C, n, n), flattened to (B, C·n²) (channel-major, bins row-major,
/// as the engine), and the levels concatenated on axis 1. Plain MaxPool would be exact only when n divides H and W.
/// </summary>
internal sealed class SpatialPyramidPoolExporter : ModuleExporter<SpatialPyramidPool>
{
    protected override string Export(OnnxGraphBuilder graph, SpatialPyramidPool layer, string input)
    {
        string reduce = layer.Kind == PyramidPoolKind.Max ? "ReduceMax" : "ReduceMean";
        string shape = graph.AddNode("Shape", [input]);
        string hw = graph.AddNode("Slice", [shape, graph.Constant([2L]), graph.Constant([4L]), graph.Constant([0L])]);
        string axes = graph.Constant([2L, 3L]);
        var levels = new List<string>();
        foreach (int n in layer.Levels)
        {
            string bins = graph.Constant([n, (long)n]);
            string roundUp = graph.Constant([n - 1L, n - 1L]);
            var rows = new List<string>();
            for (int i = 0; i < n; i++)
            {
                var row = new List<string>();
                for (int j = 0; j < n; j++)
                {
                    string starts = graph.AddNode("Div", [graph.AddNode("Mul", [hw, graph.Constant([i, (long)j])]), bins]);
                    string ends = graph.AddNode("Div",
                        [graph.AddNode("Add", [graph.AddNode("Mul", [hw, graph.Constant([i + 1L, j + 1L])]), roundUp]), bins]);
                    string bin = graph.AddNode("Slice", [input, starts, ends, axes]);
                    row.Add(graph.AddNode(reduce, [bin], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 1)));
                }
                rows.Add(row.Count == 1 ? row[0] : graph.AddNode("Concat", row, OnnxAttribute.Int("axis", 3)));
            }
            string grid = rows.Count == 1 ? rows[0] : graph.AddNode("Concat", rows, OnnxAttribute.Int("axis", 2));
            levels.Add(graph.AddNode("Flatten", [grid], OnnxAttribute.Int("axis", 1)));
        }
        return levels.Count == 1 ? levels[0] : graph.AddNode("Concat", levels, OnnxAttribute.Int("axis", 1));
    }
}
