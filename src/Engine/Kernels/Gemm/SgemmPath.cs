namespace MlNetDeep.Engine.Kernels;

/// <summary>Implementation choice for <see cref="Sgemm"/>; tests force each one.</summary>
internal enum SgemmPath
{
    /// <summary>Pick the best path the CPU supports.</summary>
    Auto,

    /// <summary>AVX-512 (Vector512) micro-kernels.</summary>
    Avx512,

    /// <summary>AVX2 + FMA (Vector256) micro-kernels.</summary>
    Avx2,

    /// <summary>Vector&lt;float&gt; micro-kernel; runs anywhere.</summary>
    Portable,

    /// <summary>The scalar oracle <see cref="SgemmReference"/>.</summary>
    Reference,
}
