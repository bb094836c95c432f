using MlNetDeep.Engine.Models.Custom;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>
/// The checks a user-defined network gets before any data is read: its layers chain for the input column's shape and it
/// ends with one output per class (or one value for a regressor). Errors name the CustomNetwork option.
/// </summary>
internal static class CustomNetworkCheck
{
    /// <summary>The network's summary for <paramref name="inputShape"/> (token ids of <paramref name="tokens"/> when given);
    /// <see cref="ArgumentOutOfRangeException"/> naming CustomNetwork otherwise.</summary>
    public static NetworkSummary Run(NetworkDefinition network, int[] inputShape, SupervisedColumns columns, TokenInput? tokens = null)
    {
        string task = columns.Target == TargetKind.Classification ? $"the label's {columns.ClassCount} classes" : "a regressor's values";
        try
        {
            return network.Check(inputShape, columns.ClassCount, task, tokens);
        }
        catch (ArgumentException ex)
        {
            throw OptionError.Restate(nameof(MlpOptions.CustomNetwork), ex);
        }
    }

    /// <summary>ONNX metadata entries of a user-defined network.</summary>
    public static Dictionary<string, string> Architecture(NetworkDefinition network) => new()
    {
        ["architecture"] = "custom",
        ["layers"] = network.ToString(),
    };
}
