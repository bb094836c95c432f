using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Writes rows of a (k, n) B operand straight into the panel layout of <see cref="SgemmPrepacked"/>: panel q holds
/// columns [q·nr, q·nr + nr) as k rows of nr floats, so element (r, j) lives at (j / nr)·k·nr + r·nr + j mod nr.
/// Convolution builds its column matrix row by row through this, so the SGEMM needs no separate packing pass over it.
/// </summary>
internal readonly ref struct PackedRowWriter
{
    private readonly Span<float> _packed;
    private readonly int _k, _n, _nr;

    /// <summary>Writer for a (k, n) operand into <paramref name="packed"/> (from the aligned offset on).</summary>
    /// <param name="packed">At least <see cref="SgemmPrepacked.PackedLength"/>(k, n) floats minus the alignment slack.</param>
    /// <param name="k">Rows (the product's depth, ≤ KC).</param>
    /// <param name="n">Columns.</param>
    public PackedRowWriter(Span<float> packed, int k, int n)
    {
        _k = k;
        _n = n;
        _nr = Sgemm.PickAvx512Width(n);
        int panels = (n + _nr - 1) / _nr;
        _packed = packed[..(panels * k * _nr)];
    }

    /// <summary>Copies <paramref name="src"/> into row <paramref name="r"/>, columns [j0, j0 + src.Length).</summary>
    public void WriteRow(int r, int j0, ReadOnlySpan<float> src)
    {
        int panelStride = _k * _nr;
        ref float dst0 = ref MemoryMarshal.GetReference(_packed);
        ref float s = ref MemoryMarshal.GetReference(src);
        int j = 0, len = src.Length;
        if ((uint)r >= (uint)_k || j0 < 0 || j0 + len > _n) throw new ArgumentOutOfRangeException(nameof(r));
        while (j < len)
        {
            int col = j0 + j, within = col % _nr;
            int run = Math.Min(_nr - within, len - j);
            ref float d = ref Unsafe.Add(ref dst0, (col / _nr) * panelStride + r * _nr + within);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= run - 16; i += 16)
                    Vector512.LoadUnsafe(ref Unsafe.Add(ref s, j + i)).StoreUnsafe(ref Unsafe.Add(ref d, i));
            }
            for (; i < run; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, j + i);
            j += run;
        }
    }

    /// <summary>Zeroes the padding columns [n, panels·nr) of the last panel, which the kernels read.</summary>
    public void ClearPadding()
    {
        int panels = (_n + _nr - 1) / _nr, tail = panels * _nr - _n;
        if (tail == 0) return;
        var last = _packed[((panels - 1) * _k * _nr)..];
        for (int r = 0; r < _k; r++) last.Slice(r * _nr + (_nr - tail), tail).Clear();
    }
}
