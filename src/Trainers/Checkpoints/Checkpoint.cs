using MlNetDeep.Engine;

namespace MlNetDeep.Trainers;

/// <summary>Everything an epoch loop needs to continue after <see cref="Epoch"/> as if it had never stopped.</summary>
internal sealed class Checkpoint
{
    /// <summary>Last epoch completed.</summary>
    public required int Epoch { get; init; }

    /// <summary>True when early stopping ended the training at <see cref="Epoch"/> (nothing is left to resume).</summary>
    public required bool Stopped { get; init; }

    /// <summary>What must match for a resume: network shapes and the options that shape the run (name → value).</summary>
    public required IReadOnlyDictionary<string, string> Identity { get; init; }

    /// <summary>Reports of epochs 1..Epoch.</summary>
    public required IReadOnlyList<EpochReport> History { get; init; }

    /// <summary>The early-stopping tracker.</summary>
    public required BestEpochState Best { get; init; }

    /// <summary>The learning-rate schedule's state.</summary>
    public required double[] Schedule { get; init; }

    /// <summary>The loop's generators (shuffling, then any other the loop owns) followed by the network's.</summary>
    public required IReadOnlyList<RngState> Generators { get; init; }

    /// <summary>Every parameter and buffer, in Module.State order.</summary>
    public required IReadOnlyList<float[]> Network { get; init; }

    /// <summary>Optimiser steps taken.</summary>
    public required long OptimizerSteps { get; init; }

    /// <summary>Optimiser state arrays (Adam's moments, SGD's velocities).</summary>
    public required IReadOnlyList<float[]> Optimizer { get; init; }
}
