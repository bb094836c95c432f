namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Per-thread packing buffers for the SGEMM driver. Pinned, 64-byte aligned, grown on demand and reused,
/// so a warmed-up thread packs without allocating.
/// </summary>
internal sealed unsafe class SgemmBuffers
{
    [ThreadStatic]
    private static SgemmBuffers? t_current;

    private float[]? _a;
    private float* _aPtr;
    private int _aCapacity;
    private float[]? _b;
    private float* _bPtr;
    private int _bCapacity;

    /// <summary>The calling thread's buffers.</summary>
    public static SgemmBuffers Current => t_current ??= new SgemmBuffers();

    /// <summary>Buffer for packed A of at least <paramref name="length"/> floats.</summary>
    public float* A(int length)
    {
        if (length > _aCapacity)
        {
            _a = Allocate(length, out _aPtr);
            _aCapacity = length;
        }
        return _aPtr;
    }

    /// <summary>Buffer for packed B of at least <paramref name="length"/> floats.</summary>
    public float* B(int length)
    {
        if (length > _bCapacity)
        {
            _b = Allocate(length, out _bPtr);
            _bCapacity = length;
        }
        return _bPtr;
    }

    private static float[] Allocate(int length, out float* aligned)
    {
        // Pinned-object heap: the address never moves, so the pointer stays valid while the array is referenced.
        float[] array = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        nint address = (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref array[0]);
        aligned = (float*)((address + 63) & ~(nint)63);
        return array;
    }
}
