namespace MlNetDeep.Cli;

/// <summary>
/// A parsed command line: the command, its positional arguments and its <c>--name value</c> options (an option may repeat,
/// e.g. <c>--keep</c>). Only options the command declares are accepted, so a typo is a usage error, not a silent default.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    private Arguments(List<string> positional) => Positional = positional;

    /// <summary>Arguments that are not options, in order.</summary>
    public List<string> Positional { get; }

    /// <summary>Parses <paramref name="args"/>; every option takes one value.</summary>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="known">Option names (without "--") the command accepts.</param>
    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> known)
    {
        var parsed = new Arguments([]);
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a == "--")
            {
                parsed.Positional.Add(a);
                continue;
            }
            string name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            if (!known.Contains(name)) throw new UsageException($"Unknown option '--{name}'; this command accepts {string.Join(", ", known.Select(k => "--" + k))}.");
            if (value is null)
            {
                if (i + 1 >= args.Count) throw new UsageException($"Option '--{name}' needs a value.");
                value = args[++i];
            }
            if (!parsed._options.TryGetValue(name, out var list)) parsed._options[name] = list = [];
            list.Add(value);
        }
        return parsed;
    }

    /// <summary>All values of a repeatable option.</summary>
    public IReadOnlyList<string> All(string name) => _options.TryGetValue(name, out var v) ? v : [];

    /// <summary>The value of an option given at most once, or null.</summary>
    public string? One(string name)
    {
        var values = All(name);
        if (values.Count > 1) throw new UsageException($"Option '--{name}' is given {values.Count} times; give it once.");
        return values.Count == 1 ? values[0] : null;
    }

    /// <summary>An integer option within [<paramref name="min"/>, int.MaxValue], or <paramref name="fallback"/>.</summary>
    public int Int(string name, int fallback, int min)
    {
        string? text = One(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) || v < min)
            throw new UsageException($"Option '--{name}' must be an integer ≥ {min}, not '{text}'.");
        return v;
    }

    /// <summary>Exactly <paramref name="count"/> positional arguments, or a usage error naming them.</summary>
    public void ExpectPositional(int count, string usage)
    {
        if (Positional.Count != count)
            throw new UsageException($"Expected {count} argument(s), got {Positional.Count}. Usage: {usage}");
    }
}
