namespace MlNetDeep.Trainers.Tests;

/// <summary>Calls the action on the training thread (System.Progress would post to the thread pool, after the loop moved on).</summary>
internal sealed class SynchronousProgress(Action<EpochReport> report) : IProgress<EpochReport>
{
    public void Report(EpochReport value) => report(value);
}
