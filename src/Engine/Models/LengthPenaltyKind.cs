namespace MlNetDeep;

/// <summary>How the length of a finished hypothesis normalises its log-probability at the final selection.</summary>
public enum LengthPenaltyKind
{
    /// <summary>No normalisation: the highest total log-probability wins (favours short outputs).</summary>
    None,

    /// <summary>Average log-probability per generated token: score / length.</summary>
    Average,

    /// <summary>GNMT (Wu et al. 2016): score / ((5 + length) / 6)^α.</summary>
    Gnmt,
}
