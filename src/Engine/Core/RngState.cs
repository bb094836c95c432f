namespace MlNetDeep.Engine;

/// <summary>A snapshot of an <see cref="Rng"/>: setting it back makes the generator repeat the same stream.</summary>
/// <param name="S0">xoshiro128** word 0.</param>
/// <param name="S1">Word 1.</param>
/// <param name="S2">Word 2.</param>
/// <param name="S3">Word 3.</param>
/// <param name="SpareGaussian">The second Box–Muller value kept for the next call, or NaN.</param>
internal readonly record struct RngState(uint S0, uint S1, uint S2, uint S3, double SpareGaussian);
