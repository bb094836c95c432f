using System.Numerics;

namespace MlNetDeep.Engine;

/// <summary>
/// Seeded pseudo-random generator (xoshiro128** seeded through SplitMix64). Used for weight
/// initialisation, dropout masks and shuffling, so that the same seed gives the same model on
/// every platform and .NET version (System.Random's algorithms are not guaranteed to stay fixed).
/// </summary>
internal sealed class Rng
{
    private uint _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    /// <summary>Creates a generator whose whole stream is determined by <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value; equal seeds give equal streams.</param>
    public Rng(long seed)
    {
        ulong x = unchecked((ulong)seed);
        ulong a = SplitMix(ref x), b = SplitMix(ref x);
        _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The generator's whole state: its four words and the spare Gaussian (NaN when none), for checkpoints.</summary>
    public RngState State
    {
        get => new(_s0, _s1, _s2, _s3, _spareGaussian ?? double.NaN);
        set
        {
            if ((value.S0 | value.S1 | value.S2 | value.S3) == 0) throw new ArgumentException("An all-zero xoshiro state is invalid.", nameof(value));
            (_s0, _s1, _s2, _s3) = (value.S0, value.S1, value.S2, value.S3);
            _spareGaussian = double.IsNaN(value.SpareGaussian) ? null : value.SpareGaussian;
        }
    }

    /// <summary>Next 32 random bits.</summary>
    public uint NextUInt32()
    {
        uint result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        uint t = _s1 << 9;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 11);
        return result;
    }

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (NextUInt32() >> 8) * (1.0f / (1 << 24));

    /// <summary>Uniform double in [0, 1) with 32 random bits.</summary>
    public double NextDouble() => NextUInt32() * (1.0 / 4294967296.0);

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    /// <param name="maxExclusive">Upper bound, must be positive.</param>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "Must be positive.");
        return (int)(((ulong)NextUInt32() * (ulong)maxExclusive) >> 32);
    }

    /// <summary>Uniform float in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    /// <param name="low">Inclusive lower bound.</param>
    /// <param name="high">Exclusive upper bound.</param>
    public float Uniform(float low, float high) => low + (high - low) * NextFloat();

    /// <summary>Standard normal sample (Box–Muller, the second value of each pair is kept for the next call).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is double spare) { _spareGaussian = null; return spare; }
        double u1 = 1.0 - NextDouble(); // (0,1]: log is finite
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareGaussian = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="items">Items to permute.</param>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
