namespace MlNetDeep.Trainers.Tests;

/// <summary>
/// The test assembly's entry point (GenerateProgramFile is off): the killed-process test starts this assembly with
/// <c>dotnet exec</c> to train with checkpoints in a process it can kill; test runners never call it.
/// </summary>
public static class ChildProcess
{
    /// <summary>Argument that selects the checkpointed training run.</summary>
    public const string TrainWithCheckpoints = "train-with-checkpoints";

    /// <summary>Runs <see cref="KilledProcessTests.Run"/> writing checkpoints to args[1].</summary>
    public static int Main(string[] args)
    {
        if (args is not [TrainWithCheckpoints, var folder]) return 2;
        // A pause after each epoch's training (before its checkpoint) changes no result and lets the test kill it in time.
        KilledProcessTests.Run(CheckpointTests.Network(), folder, resume: null, new SynchronousProgress(_ => Thread.Sleep(400)));
        return 0;
    }
}
