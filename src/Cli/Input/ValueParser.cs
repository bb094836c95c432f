using System.Globalization;
using Microsoft.ML.Data;

namespace MlNetDeep.Cli.Input;

/// <summary>
/// Converts input text to the model's column types, invariant culture. An empty number field is a missing value (NaN for
/// floating point, as ML.NET's TextLoader reads it); "NaN", "Infinity" and "-Infinity" are accepted. Anything else that
/// does not parse is a bad row, reported with its row and column.
/// </summary>
internal static class ValueParser
{
    /// <summary>Whether values of <paramref name="type"/> can be parsed.</summary>
    public static bool Supports(DataViewType type) =>
        type is TextDataViewType || type is BooleanDataViewType ||
        type == NumberDataViewType.Single || type == NumberDataViewType.Double || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64;

    /// <summary>One value of <paramref name="type"/>, or null with <paramref name="reason"/> set.</summary>
    public static object? Parse(string text, DataViewType type, out string? reason)
    {
        reason = null;
        var inv = CultureInfo.InvariantCulture;
        string t = text.Trim();
        if (type is TextDataViewType) return text.AsMemory();
        if (type == NumberDataViewType.Single)
        {
            if (t.Length == 0) return float.NaN;
            if (float.TryParse(t, NumberStyles.Float, inv, out float f)) return f;
        }
        else if (type == NumberDataViewType.Double)
        {
            if (t.Length == 0) return double.NaN;
            if (double.TryParse(t, NumberStyles.Float, inv, out double d)) return d;
        }
        else if (type == NumberDataViewType.Int32 && int.TryParse(t, NumberStyles.Integer, inv, out int i)) return i;
        else if (type == NumberDataViewType.Int64 && long.TryParse(t, NumberStyles.Integer, inv, out long l)) return l;
        else if (type is BooleanDataViewType && bool.TryParse(t, out bool b)) return b;
        reason = $"'{Shorten(text)}' is not a {Describe(type)}";
        return null;
    }

    /// <summary>What a value of <paramref name="type"/> looks like, for error messages ("number (e.g. 1.5, …)").</summary>
    public static string Describe(DataViewType type) => type switch
    {
        _ when type == NumberDataViewType.Single || type == NumberDataViewType.Double => "number (e.g. 1.5, -2e3, NaN, or empty for missing)",
        _ when type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64 => "whole number",
        BooleanDataViewType => "boolean (true or false)",
        _ => type.ToString() ?? "value",
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
