using MlNetDeep.Engine.Models;

namespace MlNetDeep;

/// <summary>What a Fit of <see cref="EncoderDecoder"/> trained: enough to export it again with other decoding settings.</summary>
/// <param name="Network">Trained network (weights of the kept epoch).</param>
/// <param name="SourceVocabulary">Source tokens in id order.</param>
/// <param name="TargetVocabulary">Target tokens in id order.</param>
/// <param name="EpochsTrained">Epochs that ran.</param>
/// <param name="BestEpoch">Epoch whose weights were kept.</param>
internal sealed record TrainedSeq2Seq(Seq2Seq Network, IReadOnlyList<string> SourceVocabulary, IReadOnlyList<string> TargetVocabulary, int EpochsTrained, int BestEpoch);
