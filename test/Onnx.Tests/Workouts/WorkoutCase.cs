using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Tests.Workouts;

/// <summary>
/// One layer configuration for <see cref="LayerWorkout"/>: the layer type it covers (stated, not inferred, so the
/// coverage test reads the test data), a seeded factory, the input, and the expected output row shape and parameter
/// count (the test data writes the count as its formula).
/// </summary>
/// <param name="Name">Unique case name (the theory's data).</param>
/// <param name="LayerType">The concrete <see cref="Module"/> type this case covers; the factory must return exactly it.</param>
/// <param name="Create">Builds the layer from a fixed seed: two calls give equal layers.</param>
/// <param name="Input">Input of shape (B, row…).</param>
/// <param name="OutputRow">Expected output shape after the batch axis: the output is (B, OutputRow…).</param>
/// <param name="ParameterCount">Expected trainable scalars.</param>
internal sealed record WorkoutCase(string Name, Type LayerType, Func<Module> Create, WorkoutInput Input, int[] OutputRow, long ParameterCount)
{
    /// <summary>
    /// The layer draws random masks while training (dropouts). The gradient check then builds a fresh layer from
    /// <see cref="Create"/> for every evaluation, so every evaluation sees the same mask; such a layer must have no
    /// parameters (a fresh layer would not share them).
    /// </summary>
    public bool Stochastic { get; init; }

    /// <summary>Finite-difference step.</summary>
    public float Step { get; init; } = 1e-2f;

    /// <summary>Absolute tolerance of the gradient check.</summary>
    public double GradientAtol { get; init; } = 2e-3;

    /// <summary>Relative tolerance of the gradient check.</summary>
    public double GradientRtol { get; init; } = 2e-2;

    /// <summary>Absolute tolerance of engine vs ONNX Runtime (relative 1e-3).</summary>
    public double OnnxAtol { get; init; } = 1e-5;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
