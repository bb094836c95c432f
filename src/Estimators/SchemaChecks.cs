using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep;

/// <summary>Column checks with ML.NET's own exception type and wording ("Could not find input column", "Schema mismatch").</summary>
internal static class SchemaChecks
{
    public static DataViewSchema.Column Find(DataViewSchema schema, string column, string paramName) =>
        schema.GetColumnOrNull(column) ?? throw new ArgumentOutOfRangeException(paramName, $"Could not find input column '{column}'.");

    public static ArgumentOutOfRangeException Mismatch(string paramName, string column, string expected, object actual) =>
        new(paramName, $"Schema mismatch for input column '{column}': expected {expected}, got {actual}.");

    /// <summary>F for a known-size vector of Single (or 1 for a Single scalar).</summary>
    public static int FeatureCount(DataViewSchema schema, string column, string paramName)
    {
        var type = Find(schema, column, paramName).Type;
        if (type == NumberDataViewType.Single) return 1;
        if (type is VectorDataViewType { ItemType: var item } vector && item == NumberDataViewType.Single && vector.IsKnownSize)
            return vector.Size;
        throw Mismatch(paramName, column, "known-size vector of Single", type);
    }

    /// <summary>K for a key label with at least two values, stored as UInt32 (what MapValueToKey produces).</summary>
    public static int ClassCount(DataViewSchema schema, string column, string paramName)
    {
        var type = Find(schema, column, paramName).Type;
        if (type is not KeyDataViewType key || key.RawType != typeof(uint))
            throw Mismatch(paramName, column, "key type of UInt32 (use mlContext.Transforms.Conversion.MapValueToKey)", type);
        if (key.Count < 2 || key.Count > int.MaxValue)
            throw Mismatch(paramName, column, "a key with at least 2 classes", type);
        return (int)key.Count;
    }

    public static void Text(DataViewSchema schema, string column, string paramName)
    {
        var type = Find(schema, column, paramName).Type;
        if (type != TextDataViewType.Instance) throw Mismatch(paramName, column, "String", type);
    }

    public static void Text(SchemaShape schema, string column)
    {
        var c = Find(schema, column);
        if (c.ItemType != TextDataViewType.Instance || c.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw Mismatch("inputSchema", column, "String", Describe(c));
    }

    public static void RegressionLabel(DataViewSchema schema, string column, string paramName)
    {
        var type = Find(schema, column, paramName).Type;
        if (type != NumberDataViewType.Single) throw Mismatch(paramName, column, "Single", type);
    }

    // The same checks on a SchemaShape (GetOutputSchema), where vector sizes are unknown.
    public static SchemaShape.Column Find(SchemaShape schema, string column)
    {
        foreach (var c in schema) if (c.Name == column) return c;
        throw new ArgumentOutOfRangeException("inputSchema", $"Could not find input column '{column}'.");
    }

    private static string Describe(SchemaShape.Column c) =>
        $"{(c.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : "vector of ")}{c.ItemType}";

    public static void Features(SchemaShape schema, string column)
    {
        var c = Find(schema, column);
        bool ok = c.ItemType == NumberDataViewType.Single && c.Kind is SchemaShape.Column.VectorKind.Scalar or SchemaShape.Column.VectorKind.Vector;
        if (!ok) throw Mismatch("inputSchema", column, "known-size vector of Single", Describe(c));
    }

    /// <summary>Checks a key label in a SchemaShape (which keeps no key count) and returns its key values' type.</summary>
    public static DataViewType KeyLabel(SchemaShape schema, string column)
    {
        var c = Find(schema, column);
        if (!c.IsKey || c.ItemType.RawType != typeof(uint) || c.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw Mismatch("inputSchema", column, "key type of UInt32 (use mlContext.Transforms.Conversion.MapValueToKey)", Describe(c));
        var keyValueType = c.Annotations.Where(a => a.Name == AnnotationUtilsKeyValues).Select(a => a.ItemType).FirstOrDefault() ?? TextDataViewType.Instance;
        return keyValueType;
    }

    public static void RegressionLabel(SchemaShape schema, string column)
    {
        var c = Find(schema, column);
        if (c.ItemType != NumberDataViewType.Single || c.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw Mismatch("inputSchema", column, "Single", Describe(c));
    }

    private const string AnnotationUtilsKeyValues = "KeyValues";
}
