using System.Reflection;
using Microsoft.ML;

namespace MlNetDeep.Estimators.Tests.Support;

internal static class Schemas
{
    /// <summary>SchemaShape.Create is internal in ML.NET 5; EstimatorChain.Fit calls it the same way.</summary>
    public static SchemaShape Shape(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])!
            .Invoke(null, [schema])!;
}
