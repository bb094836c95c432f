namespace MlNetDeep;

/// <summary>ML.NET's conventional column names (its own constants are internal).</summary>
public static class DefaultColumnNames
{
    /// <summary>"Features"</summary>
    public const string Features = "Features";

    /// <summary>"Label"</summary>
    public const string Label = "Label";

    /// <summary>"Score"</summary>
    public const string Score = "Score";

    /// <summary>"PredictedLabel"</summary>
    public const string PredictedLabel = "PredictedLabel";
}
