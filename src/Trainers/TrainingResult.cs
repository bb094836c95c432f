using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Trainers;

/// <summary>The trained network and its history.</summary>
/// <param name="Network">Network in inference mode with the kept weights (best epoch when early stopping ran).</param>
/// <param name="History">One report per epoch that ran.</param>
/// <param name="BestEpoch">Epoch whose weights were kept.</param>
internal sealed record TrainingResult(Module Network, IReadOnlyList<EpochReport> History, int BestEpoch);
