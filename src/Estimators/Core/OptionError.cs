namespace MlNetDeep;

/// <summary>Errors of a settings object held by an option, restated so that they name that option.</summary>
internal static class OptionError
{
    /// <summary>
    /// <paramref name="inner"/> as an <see cref="ArgumentOutOfRangeException"/> naming <paramref name="option"/>:
    /// "Decoding.NBest: NBest must lie in [1, BeamSize = 2]." — the inner message without its "(Parameter 'X')" and
    /// "Actual value was" suffixes, which the new exception adds again for the option; the inner actual value is kept.
    /// </summary>
    /// <param name="option">The option that holds the settings (the new exception's ParamName).</param>
    /// <param name="inner">What the settings' own check threw.</param>
    public static ArgumentOutOfRangeException Restate(string option, ArgumentException inner)
    {
        string message = inner.Message;
        int suffix = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (suffix >= 0) message = message[..suffix];
        string where = inner.ParamName is { } name ? $"{option}.{name}" : option;
        return new ArgumentOutOfRangeException(option, (inner as ArgumentOutOfRangeException)?.ActualValue, $"{where}: {message}");
    }
}
