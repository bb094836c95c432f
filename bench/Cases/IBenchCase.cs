namespace MlNetDeep.Bench.Cases;

/// <summary>One timed workload: a training step, a forward pass or a kernel call.</summary>
internal interface IBenchCase
{
    /// <summary>Name printed at the start of the result line (the anchor's name for the same workload).</summary>
    string Name { get; }

    /// <summary>Samples per step (0 for kernels).</summary>
    int Batch { get; }

    /// <summary>Trainable parameters of our model (0 for kernels).</summary>
    long ParameterCount { get; }

    /// <summary>The anchor's parameter count for the same model; the run fails when ours differs.</summary>
    long ExpectedParameterCount { get; }

    /// <summary>Untimed warm-up steps before the 3 estimation steps (the anchor uses 10 for models, 5 for GEMM).</summary>
    int Warmup => 10;

    /// <summary>Builds model, optimiser and the fixed batch (seed 42) and returns one step.</summary>
    Action CreateStep();
}

/// <summary>A training case: reports the loss of its last step.</summary>
internal interface ITrainingCase : IBenchCase
{
    /// <summary>Loss of the most recent step.</summary>
    float LastLoss { get; }
}

/// <summary>A kernel case reported in GFLOP/s.</summary>
internal interface IKernelCase : IBenchCase
{
    /// <summary>Shape label, M×K×N as "MxKxN".</summary>
    string Shape { get; }

    /// <summary>Floating-point operations per call.</summary>
    double Flop { get; }
}
