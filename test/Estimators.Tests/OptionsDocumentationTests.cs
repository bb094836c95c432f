using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// Every public option documents its default in a <c>&lt;value&gt;Default X.&lt;/value&gt;</c> tag; these tests read
/// the XML documentation files the build writes and compare each documented default with the value a newly
/// constructed options object really has, so the docs cannot drift from the code.
/// </summary>
public class OptionsDocumentationTests
{
    public static TheoryData<string> OptionTypes => new(
        typeof(TrainerOptions).Assembly.GetExportedTypes()
            .Concat(typeof(SmallCnnArchitecture).Assembly.GetExportedTypes())
            .Where(t => !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null && (typeof(TrainerOptions).IsAssignableFrom(t) || t.Name.EndsWith("Architecture") || t == typeof(DecodingOptions)))
            .Select(t => t.FullName!));

    [Fact]
    public void EveryOptionsClassAndArchitectureIsCovered() =>
        Assert.Equal(13, OptionTypes.Count);

    [Theory]
    [MemberData(nameof(OptionTypes))]
    public void DocumentedDefaultsAreTheRealOnes(string typeName)
    {
        var type = typeof(TrainerOptions).Assembly.GetType(typeName) ?? typeof(SmallCnnArchitecture).Assembly.GetType(typeName)!;
        object defaults = Activator.CreateInstance(type)!;
        var wrong = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
        {
            string? documented = DocumentedValue(property);
            if (documented is null) { wrong.Add($"{property.Name}: no <value>Default …</value> documentation"); continue; }
            object? actual = property.GetValue(defaults);
            documented = ForTrainer(documented, type);
            if (!Matches(documented, actual, property.PropertyType))
                wrong.Add($"{property.Name}: documented \"{documented}\", actual {Describe(actual)}");
        }
        Assert.True(wrong.Count == 0, $"{type.Name}:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void AWrongDocumentedDefaultIsCaught()
    {
        // Control: the comparison must reject values that differ, or the test above proves nothing.
        Assert.False(Matches("21", 20, typeof(int)));
        Assert.False(Matches("1e-2", 1e-3f, typeof(float)));
        Assert.False(Matches("[128, 64]", new[] { 128 }, typeof(int[])));
        Assert.False(Matches("Sgd", OptimizerKind.Adam, typeof(OptimizerKind)));
        Assert.False(Matches("\"Label\"", "Score", typeof(string)));
        Assert.False(Matches("of RecurrentArchitecture, with DropoutRate 0.5", new RecurrentArchitecture(), typeof(RecurrentArchitecture)));
        Assert.True(Matches("of RecurrentArchitecture, with DropoutRate 0.5", new RecurrentArchitecture { DropoutRate = 0.5f }, typeof(RecurrentArchitecture)));
    }

    /// <summary>"X (Y for A, B and C)": Y for the options of trainers A, B, C (the options' declaring class), X for the others.</summary>
    private static string ForTrainer(string documented, Type optionsType)
    {
        var match = Regex.Match(documented, @"^(.+?) \((.+) for (.+)\)$");
        if (!match.Success) return documented;
        var trainers = match.Groups[3].Value.Split([", ", " and "], StringSplitOptions.None);
        return trainers.Contains(optionsType.DeclaringType?.Name ?? optionsType.Name) ? match.Groups[2].Value : match.Groups[1].Value;
    }

    /// <summary>The text after "Default" in the property's &lt;value&gt; tag, crefs reduced to their last name segment.</summary>
    private static string? DocumentedValue(PropertyInfo property)
    {
        var declaring = property.DeclaringType!;
        string member = $"P:{declaring.FullName!.Replace('+', '.')}.{property.Name}";
        var value = Documentation(declaring.Assembly).Descendants("member")
            .FirstOrDefault(m => (string?)m.Attribute("name") == member)?.Descendants("value").FirstOrDefault();
        if (value is null) return null;
        string text = string.Concat(value.Nodes().Select(n => n is XElement e && e.Name == "see"
            ? ((string)e.Attribute("cref")!).Split('.')[^1] : n.ToString()));
        text = Regex.Replace(text, @"\s+", " ").Trim();
        // "Default X; remark." documents X.
        var match = Regex.Match(text.Split(';')[0], @"^Defaults? (.*?)\.?$");
        return match.Success ? match.Groups[1].Value : null;
    }

    private static readonly Dictionary<Assembly, XDocument> Docs = [];

    private static XDocument Documentation(Assembly assembly)
    {
        lock (Docs)
        {
            if (!Docs.TryGetValue(assembly, out var doc))
                Docs[assembly] = doc = XDocument.Load(Path.ChangeExtension(assembly.Location, ".xml"));
            return doc;
        }
    }

    /// <summary>
    /// Compares documented text with a value: "null", "none" (an empty token), quoted strings, true/false, enum names,
    /// numbers (thousands separators allowed), lists "[a, b]", "Name (v)" (a constant's name then its value), and for
    /// settings records "of T" or "of T, with Name v".
    /// </summary>
    private static bool Matches(string documented, object? actual, Type type)
    {
        var constant = Regex.Match(documented, @"^\w+ \((.+)\)$");
        if (constant.Success) documented = constant.Groups[1].Value;
        if (documented.StartsWith("of ", StringComparison.Ordinal)) return MatchesRecord(documented, actual, type);
        if (documented == "null") return actual is null;
        if (actual is null) return false;
        if (actual is CancellationToken token) return documented == "none" && token == CancellationToken.None;
        if (actual is string s) return documented == $"\"{s}\"";
        if (actual is bool b) return documented == (b ? "true" : "false");
        if (actual is Enum e) return documented == e.ToString();
        if (actual is IEnumerable list && actual is not string)
        {
            var items = documented.Trim('[', ']').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var values = list.Cast<object>().ToList();
            return documented.StartsWith('[') && items.Length == values.Count && items.Zip(values).All(p => Matches(p.First, p.Second, p.Second.GetType()));
        }
        if (!double.TryParse(documented.Replace(",", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out double number)) return false;
        double value = Convert.ToDouble(actual, CultureInfo.InvariantCulture);
        return Math.Abs(number - value) <= 1e-7 * Math.Max(1, Math.Abs(number));
    }

    private static bool MatchesRecord(string documented, object? actual, Type type)
    {
        var parts = documented[3..].Split(", with ");
        if (parts[0] != type.Name || actual is null) return false;
        object expected = Activator.CreateInstance(type)!;
        foreach (var clause in parts.Skip(1))
        {
            var (name, text) = (clause[..clause.IndexOf(' ')], clause[(clause.IndexOf(' ') + 1)..]);
            var property = type.GetProperty(name)!;
            if (!Matches(text, property.GetValue(actual), property.PropertyType)) return false;
            property.SetValue(expected, property.GetValue(actual));
        }
        return type.GetProperties().All(p => SameValue(p.GetValue(expected), p.GetValue(actual)));
    }

    // Records compare lists by reference; settings compare them by content.
    private static bool SameValue(object? a, object? b) => a is IEnumerable x && b is IEnumerable y && a is not string
        ? x.Cast<object>().SequenceEqual(y.Cast<object>())
        : Equals(a, b);

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object>()) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };
}
