using MlNetDeep.Engine;
using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Bench.Cases;

/// <summary>C[M,N] = A[M,K]·B[K,N] through <see cref="Sgemm.Multiply"/>; A and B ~ N(0,1) from seed 42.</summary>
internal sealed class GemmCase(int m, int k, int n) : IKernelCase
{
    public string Name => m == k && k == n ? $"gemm-{n}" : $"gemm-{m}x{k}x{n}";
    public string Shape => $"{m}x{k}x{n}";
    public double Flop => 2.0 * m * k * n;
    public int Batch => 0;
    public long ParameterCount => 0;
    public long ExpectedParameterCount => 0;
    public int Warmup => 5;

    public Action CreateStep()
    {
        var rng = new Rng(BenchData.Seed);
        var a = BenchData.Gaussian(rng, m, k);
        var b = BenchData.Gaussian(rng, k, n);
        var c = Tensor.Zeros(m, n); // reused: the anchor allocates a new output per call, we overwrite ours
        return () => Sgemm.Multiply(false, false, m, n, k, a.Span, k, b.Span, n, c.Span, n, accumulate: false);
    }
}
