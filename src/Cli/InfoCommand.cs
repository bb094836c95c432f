using System.Text.Json;
using Microsoft.ML;

namespace MlNetDeep.Cli;

/// <summary><c>mlnetdeep info MODEL.zip</c>: the model's input and output columns, task, classes, architecture, opset and training summary.</summary>
internal static class InfoCommand
{
    public const string Usage = "mlnetdeep info MODEL.zip";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = Arguments.Parse(args, new HashSet<string>());
        a.ExpectPositional(1, Usage);
        var saved = SavedModel.Load(a.Positional[0]);
        var d = saved.Description;
        stdout.WriteLine($"model: {a.Positional[0]}");
        stdout.WriteLine($"task: {d.Task ?? "unknown"}");
        stdout.WriteLine("input columns:");
        foreach (var c in saved.InputSchema) if (!c.IsHidden) stdout.WriteLine($"  {c.Name}: {c.Type}");
        stdout.WriteLine("output columns:");
        var outSchema = saved.Model.GetOutputSchema(saved.InputSchema);
        var inputNames = saved.InputSchema.Where(c => !c.IsHidden).Select(c => c.Name).ToHashSet();
        foreach (var c in outSchema) if (!c.IsHidden && !inputNames.Contains(c.Name)) stdout.WriteLine($"  {c.Name}: {c.Type}");
        if (d.ClassNames.Count > 0) stdout.WriteLine($"classes: {string.Join(", ", d.ClassNames)}");
        stdout.WriteLine($"onnx opset: {string.Join(", ", d.Opsets.OrderBy(o => o.Key).Select(o => (o.Key == "" ? "ai.onnx" : o.Key) + " " + o.Value))}");
        if (d.Model is { } m)
        {
            if (m.TryGetProperty("architecture", out var arch)) stdout.WriteLine($"architecture: {Flat(arch)}");
            if (m.TryGetProperty("training", out var training)) stdout.WriteLine($"training: {Flat(training)}");
        }
        if (d.Metadata.TryGetValue("mlnetdeep.seq2seq", out _)) stdout.WriteLine("seq2seq: yes (mlnetdeep.seq2seq metadata present; docs/seq2seq-onnx-format.md)");
        return ExitCodes.Ok;
    }

    // {"a":"1","b":"2"} → "a=1, b=2"
    private static string Flat(JsonElement e) => e.ValueKind == JsonValueKind.Object
        ? string.Join(", ", e.EnumerateObject().Select(p => $"{p.Name}={p.Value}"))
        : e.ToString();
}
