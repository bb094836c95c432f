namespace MlNetDeep.Estimators.Tests.Support;

/// <summary>The clone the tests run from (the folder holding MlNetDeep.sln), for files the tests check against the code.</summary>
internal static class RepositoryRoot
{
    /// <summary>Absolute path of the repository root.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MlNetDeep.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No MlNetDeep.sln above {AppContext.BaseDirectory}.");
    }
}
