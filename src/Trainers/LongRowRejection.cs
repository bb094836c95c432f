using Microsoft.ML.Data;

namespace MlNetDeep.Trainers;

/// <summary>
/// Tokens only: a row with more tokens than the network reads makes the data scan throw instead of being truncated.
/// </summary>
/// <param name="SourceColumn">Column named in the message: the one users know (e.g. the raw text), not the token keys.</param>
/// <param name="Remedy">Sentence appended to the message saying what to change, e.g. which option truncates instead.</param>
internal sealed record LongRowRejection(string SourceColumn, string Remedy);
