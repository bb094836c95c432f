using System.Reflection;
using MlNetDeep.Estimators.Tests.Support;
using PublicApiGenerator;

namespace MlNetDeep.Estimators.Tests.PublicApi;

/// <summary>
/// Records the public surface of every shipped assembly in an approved listing beside this file, so a change to what
/// users can type is deliberate: on a difference the test writes <c>&lt;assembly&gt;.received.txt</c> beside the approved
/// file and fails; review it and copy it over <c>&lt;assembly&gt;.approved.txt</c> when the change is meant.
/// </summary>
public class PublicApiTests
{
    private static readonly string[] ShippedAssemblies =
        ["MlNetDeep.Engine", "MlNetDeep.Onnx", "MlNetDeep.Trainers", "MlNetDeep.Transforms", "MlNetDeep.Estimators"];

    public static TheoryData<string> Assemblies => new(ShippedAssemblies);

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void PublicApiMatchesTheApprovedListing(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        string actual = assembly.GeneratePublicApi(new ApiGeneratorOptions { ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Runtime.CompilerServices.InternalsVisibleToAttribute"] })
            .ReplaceLineEndings("\n");
        string folder = Path.Combine(RepositoryRoot.Path, "test", "Estimators.Tests", "PublicApi");
        string approvedPath = Path.Combine(folder, assemblyName + ".approved.txt");
        string receivedPath = Path.Combine(folder, assemblyName + ".received.txt");
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (actual == approved)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, actual);
        Assert.Fail($"The public API of {assemblyName} changed: compare {receivedPath} with {approvedPath} and copy it over when the change is meant.");
    }

    [Fact]
    public void EveryPublicTypeUsersTypeIsInTheMlNetDeepNamespace()
    {
        // Users type MlNetDeep (and Microsoft.ML for the catalog extension). The CustomMapping rows and factories ML.NET
        // instantiates by reflection stay public in MlNetDeep.Transforms, hidden from IntelliSense.
        var misplaced = ShippedAssemblies.Select(Assembly.Load)
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.Namespace is not ("MlNetDeep" or "Microsoft.ML"))
            .Where(t => !(t.Namespace == "MlNetDeep.Transforms" && IsHiddenMappingType(t)))
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(misplaced);
    }

    private static bool IsHiddenMappingType(Type type) =>
        type.GetCustomAttribute<System.ComponentModel.EditorBrowsableAttribute>()?.State == System.ComponentModel.EditorBrowsableState.Never;
}
