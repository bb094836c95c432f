namespace MlNetDeep;

/// <summary>Unit of text a network reads.</summary>
public enum TokenUnit
{
    /// <summary>Lower-cased words (split on spaces, punctuation removed).</summary>
    Words,

    /// <summary>Lower-cased characters.</summary>
    Characters,
}
