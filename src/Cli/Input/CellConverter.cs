using System.Globalization;
using Microsoft.ML.Data;

namespace MlNetDeep.Cli.Input;

/// <summary>
/// Converts one input value to a model column type: text (from CSV) goes through <see cref="ValueParser"/>; typed values
/// (from Parquet) convert when nothing is lost: any number to float/double, whole numbers to int/long within range,
/// booleans to booleans, numbers and booleans to text (invariant). A null is a missing value: NaN for floating point,
/// empty text; for whole numbers and booleans it is a bad row.
/// </summary>
internal static class CellConverter
{
    /// <summary>The value as the type's raw value (float, double, int, long, bool, ReadOnlyMemory&lt;char&gt;), or null with <paramref name="reason"/>.</summary>
    public static object? Convert(object? cell, DataViewType type, out string? reason)
    {
        reason = null;
        var inv = CultureInfo.InvariantCulture;
        switch (cell)
        {
            case string text:
                return ValueParser.Parse(text, type, out reason);
            case null:
                if (type == NumberDataViewType.Single) return float.NaN;
                if (type == NumberDataViewType.Double) return double.NaN;
                if (type is TextDataViewType) return ReadOnlyMemory<char>.Empty;
                reason = $"is null (missing), which is not a {ValueParser.Describe(type)}";
                return null;
            case bool b:
                if (type is BooleanDataViewType) return b;
                if (type is TextDataViewType) return (b ? "true" : "false").AsMemory();
                break;
            case float or double or decimal or byte or sbyte or short or ushort or int or uint or long or ulong:
                bool whole = cell is not (float or double or decimal);
                if (type == NumberDataViewType.Single) return System.Convert.ToSingle(cell, inv);
                if (type == NumberDataViewType.Double) return System.Convert.ToDouble(cell, inv);
                if (type is TextDataViewType) return PredictionValueText(cell).AsMemory();
                try
                {
                    if (whole && type == NumberDataViewType.Int32) return System.Convert.ToInt32(cell, inv);
                    if (whole && type == NumberDataViewType.Int64) return System.Convert.ToInt64(cell, inv);
                }
                catch (OverflowException)
                {
                    reason = $"{PredictionValueText(cell)} is out of the range of a {type}";
                    return null;
                }
                break;
        }
        reason = $"{Show(cell)} (a {TypeName(cell)} value) is not a {ValueParser.Describe(type)}";
        return null;
    }

    private static string PredictionValueText(object value) => Output.PredictionColumns.Text(value);

    private static string Show(object value) => value is bool or float or double or decimal or byte or sbyte or short or ushort or int or uint or long or ulong
        ? PredictionValueText(value) : "the value";

    private static string TypeName(object value) => value switch
    {
        bool => "boolean",
        float or double or decimal => "floating-point",
        byte or sbyte or short or ushort or int or uint or long or ulong => "whole-number",
        _ => value.GetType().Name,
    };
}
