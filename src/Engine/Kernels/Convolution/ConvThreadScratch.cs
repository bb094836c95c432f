namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Per-thread work buffers for convolution chunks that run on several threads at once (the tape's scratch is one set
/// of buffers, for the calling thread). Each grows to the largest request and is kept, so warm steps allocate nothing.
/// </summary>
internal static class ConvThreadScratch
{
    [ThreadStatic] private static float[]?[]? t_buffers;

    /// <summary>At least <paramref name="length"/> floats (contents undefined) in buffer <paramref name="slot"/> of the current thread.</summary>
    public static Span<float> Get(ScratchSlot slot, int length)
    {
        var buffers = t_buffers ??= new float[Tape.ScratchSlots][];
        ref float[]? buffer = ref buffers[(int)slot];
        if (buffer is null || buffer.Length < length) buffer = new float[length];
        return buffer.AsSpan(0, length);
    }
}
