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
    private readonly int _k, _n, _nr, _shift;

    /// <summary>Writer for a (k, n) operand into <paramref name="packed"/> (from the aligned offset on).</summary>
    /// <param name="packed">At least <see cref="SgemmPrepacked.PackedLength"/>(k, n, nr) floats minus the alignment slack.</param>
    /// <param name="k">Rows (the product's depth, ≤ KC).</param>
    /// <param name="n">Columns.</param>
    /// <param name="nr">Panel width (16, 32 or 64), as passed to <see cref="SgemmPrepacked"/>'s product.</param>
    public PackedRowWriter(Span<float> packed, int k, int n, int nr)
    {
        if (nr is not (16 or 32 or 64)) throw new ArgumentOutOfRangeException(nameof(nr), nr, "Panel width must be 16, 32 or 64.");
        _k = k;
        _n = n;
        _nr = nr;
        _shift = System.Numerics.BitOperations.Log2((uint)_nr); // 16, 32 or 64
        int panels = (n + _nr - 1) / _nr;
        _packed = packed[..(panels * k * _nr)];
    }

    /// <summary>Copies <paramref name="src"/> into row <paramref name="r"/>, columns [j0, j0 + src.Length).</summary>
    public void WriteRow(int r, int j0, ReadOnlySpan<float> src)
    {
        int len = src.Length;
        if ((uint)r >= (uint)_k || j0 < 0 || j0 + len > _n) throw new ArgumentOutOfRangeException(nameof(r));
        int panelStride = _k * _nr, within = j0 % _nr;
        ref float s = ref MemoryMarshal.GetReference(src);
        // Start of the row's nr-wide slot in the panel that holds column j0; the next panel's slot is panelStride on.
        ref float slot = ref Unsafe.Add(ref MemoryMarshal.GetReference(_packed), (j0 / _nr) * panelStride + r * _nr);
        for (int j = 0; j < len; within = 0, slot = ref Unsafe.Add(ref slot, panelStride))
        {
            int run = Math.Min(_nr - within, len - j), i = 0;
            ref float d = ref Unsafe.Add(ref slot, within);
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= run - 16; i += 16)
                    Vector512.LoadUnsafe(ref Unsafe.Add(ref s, j + i)).StoreUnsafe(ref Unsafe.Add(ref d, i));
            }
            for (; i < run; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, j + i);
            j += run;
        }
    }

    /// <summary>Zeroes row <paramref name="r"/>, columns [j0, j0 + count).</summary>
    public void ClearRow(int r, int j0, int count)
    {
        if (count <= 0) return;
        if ((uint)r >= (uint)_k || j0 < 0 || j0 + count > _n) throw new ArgumentOutOfRangeException(nameof(r));
        int panelStride = _k * _nr, within = j0 % _nr;
        ref float slot = ref Unsafe.Add(ref MemoryMarshal.GetReference(_packed), (j0 / _nr) * panelStride + r * _nr);
        for (int j = 0; j < count; within = 0, slot = ref Unsafe.Add(ref slot, panelStride))
        {
            int run = Math.Min(_nr - within, count - j);
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref slot, within), run).Clear();
            j += run;
        }
    }

    /// <summary>
    /// Zeroes, in row <paramref name="r"/>, columns [0, lo) and [hi, w) of each of <paramref name="blocks"/> consecutive
    /// w-wide blocks starting at column <paramref name="j0"/>: the padding edges of im2col's output rows (1–2 columns
    /// per row for 3×3 windows, so single stores addressed with shifts, nr being a power of two).
    /// </summary>
    public void ClearColumns(int r, int j0, int blocks, int w, int lo, int hi)
    {
        if (blocks <= 0) return;
        if ((uint)r >= (uint)_k || j0 < 0 || j0 + blocks * w > _n || lo < 0 || hi > w) throw new ArgumentOutOfRangeException(nameof(r));
        ref float row = ref Unsafe.Add(ref MemoryMarshal.GetReference(_packed), r * _nr);
        int panelStride = _k * _nr, mask = _nr - 1;
        for (int b = 0, start = j0; b < blocks; b++, start += w)
        {
            for (int j = start; j < start + lo; j++) Unsafe.Add(ref row, (j >> _shift) * panelStride + (j & mask)) = 0f;
            for (int j = start + hi; j < start + w; j++) Unsafe.Add(ref row, (j >> _shift) * panelStride + (j & mask)) = 0f;
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
