namespace MlNetDeep.Trainers;

/// <summary>What a sequence-to-sequence training adds to <see cref="TrainingSettings"/> (label smoothing is there).</summary>
/// <param name="SamplingRatio">Scheduled sampling: the probability of feeding the model's own previous prediction instead of
/// the gold token, reached linearly at the last epoch (0 in the first); 0 is plain teacher forcing.</param>
/// <param name="StopOnTokenAccuracy">Early stopping and the kept epoch follow validation token accuracy (higher is
/// better) instead of validation loss.</param>
internal sealed record Seq2SeqTrainingSettings(float SamplingRatio = 0f, bool StopOnTokenAccuracy = false)
{
    /// <summary>The sampling probability in epoch <paramref name="epoch"/> of <paramref name="epochs"/> (1-based).</summary>
    /// <param name="epoch">Current epoch.</param>
    /// <param name="epochs">Number of epochs.</param>
    public float SamplingRatioAt(int epoch, int epochs) => epochs <= 1 ? SamplingRatio : SamplingRatio * (epoch - 1) / (epochs - 1);
}
