namespace MlNetDeep.Trainers;

/// <summary>One training example of a sequence-to-sequence task, as token ids (<see cref="Engine.Models.Seq2SeqTokens"/>).</summary>
/// <param name="Source">Source ids ending with EOS (an empty text is [EOS]).</param>
/// <param name="Target">Target ids ending with EOS; at least one token before it.</param>
internal sealed record SequencePair(int[] Source, int[] Target);
