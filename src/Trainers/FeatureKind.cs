using Microsoft.ML.Data;

namespace MlNetDeep.Trainers;

/// <summary>What the feature column holds.</summary>
internal enum FeatureKind
{
    /// <summary>Known-size vector (or scalar) of Single; standardised per slot.</summary>
    Dense,

    /// <summary>
    /// Variable-length vector of UInt32 keys (a learned vocabulary: 1..V known, 0 unknown). Each row becomes exactly
    /// FeatureCount token ids: truncated, or padded with <see cref="FeatureInput.PadId"/>. Ids are carried as
    /// floats (exact below 2²⁴) so that every network takes one float tensor; they are never standardised.
    /// </summary>
    Tokens,
}
