namespace MlNetDeep.Engine;

/// <summary>
/// Reverse-mode autodiff tape. Ops append a backward function when any input requires a gradient;
/// <see cref="Backward(Tensor)"/> runs them newest first. The append order is a topological order of the
/// computation, so no graph sort (and no set with unstable order) is needed: runs are deterministic.
/// The tape also owns the pool that intermediate values and their gradients come from.
/// </summary>
/// <remarks>Usage per step: forward through ops, <see cref="Backward(Tensor)"/>, optimiser step, <see cref="Reset"/>.</remarks>
internal sealed class Tape
{
    private readonly List<Action> _backward = new();

    /// <summary>Creates a tape that records gradients.</summary>
    public Tape() { }

    /// <summary>Pool for intermediate tensors; returned by <see cref="Reset"/>.</summary>
    public TensorPool Pool { get; } = new();

    /// <summary>When false, ops compute forward values only (inference, evaluation).</summary>
    public bool IsRecording { get; set; } = true;

    /// <summary>Rents an output tensor (contents undefined) that requires a gradient when any of <paramref name="inputs"/> does and the tape records.</summary>
    /// <param name="shape">Output dimensions.</param>
    /// <param name="inputs">The op's differentiable inputs (null entries are ignored).</param>
    internal Tensor NewOutput(int[] shape, params Tensor?[] inputs)
    {
        var output = Pool.Rent(false, shape);
        output.RequiresGrad = IsRecording && AnyRequiresGrad(inputs);
        return output;
    }

    private static bool AnyRequiresGrad(Tensor?[] inputs)
    {
        foreach (var t in inputs) if (t is { RequiresGrad: true }) return true;
        return false;
    }

    /// <summary>Records <paramref name="backward"/> if <paramref name="output"/> needs a gradient.</summary>
    /// <param name="output">The op's output.</param>
    /// <param name="backward">Reads output.Grad and accumulates into the inputs' gradients.</param>
    internal void Record(Tensor output, Action backward)
    {
        if (output.RequiresGrad) _backward.Add(backward);
    }

    /// <summary>
    /// A transient work buffer of at least <paramref name="length"/> floats (contents undefined), shared by every op on
    /// this tape: valid only inside one forward or one backward function, until the next request for the same slot.
    /// Buffers grow to the largest request and are kept, so scratch memory is the maximum over ops, not their sum
    /// (convolution's column matrices), and warm steps allocate nothing.
    /// </summary>
    /// <param name="slot">Which buffer: one op can hold several at once.</param>
    /// <param name="length">Floats needed.</param>
    internal Span<float> Scratch(ScratchSlot slot, int length)
    {
        ref float[]? buffer = ref _scratch[(int)slot];
        if (buffer is null || buffer.Length < length) buffer = new float[length];
        return buffer.AsSpan(0, length);
    }

    /// <summary>Distinct values of <see cref="ScratchSlot"/>.</summary>
    internal const int ScratchSlots = 7;

    private readonly float[]?[] _scratch = new float[ScratchSlots][];

    /// <summary>The array behind scratch <paramref name="slot"/> (after a <see cref="Scratch"/> request), for work split across threads.</summary>
    /// <param name="slot">Which buffer.</param>
    internal float[] ScratchArray(ScratchSlot slot) => _scratch[(int)slot] ?? throw new InvalidOperationException($"Scratch slot {slot} was never requested.");

    /// <summary>The gradient buffer of <paramref name="t"/>, created zero-filled from the pool on first use.</summary>
    /// <param name="t">A tensor that requires a gradient.</param>
    internal Tensor GradOf(Tensor t) => t.Grad ??= Pool.Rent(true, t.Shape);

    /// <summary>
    /// The gradient buffer of <paramref name="t"/> for a backward pass that writes every element. When t has no gradient
    /// yet, a buffer is rented without zero-filling and <paramref name="overwrite"/> is true: the caller stores its
    /// values instead of adding them, which saves a memset and a read of the whole buffer. Otherwise the existing
    /// gradient is returned and the caller must add to it.
    /// </summary>
    /// <param name="t">A tensor that requires a gradient.</param>
    /// <param name="overwrite">True when every element must be written (the contents are undefined).</param>
    internal Tensor GradForWrite(Tensor t, out bool overwrite)
    {
        overwrite = t.Grad is null;
        return t.Grad ??= Pool.Rent(false, t.Shape);
    }

    /// <summary>Back-propagates from a scalar <paramref name="loss"/> (d loss / d loss = 1).</summary>
    /// <param name="loss">A one-element tensor produced by ops on this tape.</param>
    public void Backward(Tensor loss)
    {
        if (loss.Length != 1) throw new ArgumentException($"Backward needs a scalar loss, got {loss}.", nameof(loss));
        if (!loss.RequiresGrad) throw new InvalidOperationException("The loss does not depend on any tensor that requires a gradient.");
        GradOf(loss).Span[0] += 1f;
        for (int i = _backward.Count - 1; i >= 0; i--) _backward[i]();
    }

    /// <summary>
    /// Back-propagates an upstream gradient <paramref name="upstream"/> for a non-scalar <paramref name="output"/>
    /// (used by gradient checks: loss = Σ output ⊙ upstream).
    /// </summary>
    /// <param name="output">A tensor produced by ops on this tape.</param>
    /// <param name="upstream">d loss / d output, same length.</param>
    public void Backward(Tensor output, ReadOnlySpan<float> upstream)
    {
        if (upstream.Length != output.Length) throw new ArgumentException("Upstream gradient length differs from the output's.", nameof(upstream));
        if (!output.RequiresGrad) throw new InvalidOperationException("The output does not depend on any tensor that requires a gradient.");
        upstream.CopyTo(GradOf(output).Span);
        for (int i = _backward.Count - 1; i >= 0; i--) _backward[i]();
    }

    /// <summary>Forgets the recorded ops and returns all intermediate buffers to the pool.</summary>
    public void Reset()
    {
        _backward.Clear();
        Pool.ReturnAll();
    }
}
