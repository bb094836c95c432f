using Microsoft.ML.Runtime;

namespace MlNetDeep;

/// <summary>Where a fitted model's scoring warnings (e.g. a GPU fallback) go: the estimator's host, channel "Scoring".</summary>
internal static class ScoringWarnings
{
    /// <summary>A callback that logs each message as a warning of <paramref name="host"/>.</summary>
    /// <param name="host">The estimator's host in the MLContext.</param>
    public static Action<string> To(IHost host) => message =>
    {
        using var channel = host.Start("Scoring");
        channel.Warning(MessageSensitivity.None, message);
    };
}
