using System.Runtime.InteropServices;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// How backward computes dx, and the buffer sizes it needs. With stride 1, dx is itself a convolution:
/// dx[c, y, x] = Σ_{o,i,j} W[o, c, kh−1−i, kw−1−j] · dY[o, y − p′ + i·d, x − p′ + j·d] with p′ = d·(k − 1) − p, so it
/// is computed as W′ (C, O·kh·kw) · unfold(dY) — an indirect GEMM over dY's padded plane where that applies, else
/// unfolded straight into packed panels — writing dx directly; otherwise dcol = Wᵀ · dY is folded into dx (col2im).
/// A value type: one is made per backward call.
/// </summary>
internal readonly struct ConvBackwardPlan
{
    /// <summary>True for the transposed-convolution path.</summary>
    public bool TransposedDx { get; private init; }

    /// <summary>dx is a fresh buffer: written, not added to.</summary>
    public bool DxOverwrite { get; private init; }

    /// <summary>
    /// True for a strided convolution whose forward ran as an indirect GEMM: dW and dx go through its polyphase
    /// plane (<see cref="ConvBackward.PlaneRange"/>), so no strided gather or scatter is needed.
    /// </summary>
    public bool PlaneBackward { get; private init; }

    /// <summary>
    /// True when <see cref="PlaneBackward"/> computes dx phase by phase into the plane (<see cref="PhaseInputGradient"/>;
    /// its weights in <see cref="FlippedWeight"/>, its offsets in <see cref="DxOffsets"/>), else as dcol = Wᵀ · dY
    /// folded into the plane.
    /// </summary>
    public bool PhaseDx { get; private init; }

    /// <summary>Items per product of <see cref="PlaneBackward"/>, their wide column matrices side by side.</summary>
    public int PlaneGroup { get; private init; }

    /// <summary>
    /// True when dW comes from a channels-last copy of each item (<see cref="ChannelsLastWeightGradient"/>, dW laid
    /// out (O, taps, C)) instead of im2col and one SGEMM (dWᵀ (K, O)).
    /// </summary>
    public bool ChannelsLastDw { get; private init; }

    /// <summary>
    /// True when the transposed path runs per item from a channels-last copy of dY (<see cref="ChannelsLastConv"/>;
    /// <see cref="FlippedWeight"/> then holds the weights reordered (taps, O, C)).
    /// </summary>
    public bool ChannelsLastDx { get; private init; }

    /// <summary>True when the transposed path runs as an indirect GEMM per item (<see cref="IndirectConv"/>).</summary>
    public bool IndirectDx { get; private init; }

    /// <summary>Tap offsets of dY's padded plane for <see cref="IndirectDx"/> (ints stored in tape scratch).</summary>
    public float[]? DxOffsets { get; private init; }

    /// <summary>The window that unfolds dY for the transposed path.</summary>
    public Window2d DxWindow { get; private init; }

    /// <summary>W′ (C, O·kh·kw) for the transposed path (tape scratch, filled once per backward).</summary>
    public float[]? FlippedWeight { get; private init; }

    public int ColLength { get; private init; }
    public int WideLength { get; private init; }
    public int DcolLength { get; private init; }
    public int RowsLength { get; private init; }

    public static ConvBackwardPlan Create(in ConvGeometry g, bool needDw, bool needDx, bool dxOverwrite, Tape tape)
    {
        var win = g.Window;
        bool channelsLastDw = needDw && !g.Direct && ChannelsLastWeightGradient.Applies(g.C, g.O);
        int gn = g.Group * g.N, hw = g.H * g.W, taps = win.KernelH * win.KernelW;
        var dxWindow = new Window2d(win.KernelH, win.KernelW, 1, 1, win.DilationH * (win.KernelH - 1) - win.PadH,
            win.DilationW * (win.KernelW - 1) - win.PadW, win.DilationH, win.DilationW);
        bool stride1 = needDx && !g.Direct && win.StrideH == 1 && win.StrideW == 1 && dxWindow.PadH >= 0 && dxWindow.PadW >= 0;
        int ho = win.OutH(g.H), wo = win.OutW(g.W);
        if (g.IndirectForward && (win.StrideH > 1 || win.StrideW > 1))
        {
            int wideWidth = IndirectConv.WideWidth(g.H, g.W, win);
            int group = (int)Math.Clamp(Ops.ConvColumnBudget / Math.Max(1L, (long)g.K * wideWidth), 1, Math.Max(g.B, 1));
            bool phaseDx = needDx && PhaseInputGradient.Applies(win, g.C, g.H, g.W);
            if (phaseDx)
            {
                tape.Scratch(ScratchSlot.FlippedWeight, g.C * g.O * taps);
                tape.Scratch(ScratchSlot.DxOffsets, g.O * taps);
            }
            return new ConvBackwardPlan
            {
                PlaneBackward = true,
                PlaneGroup = group,
                PhaseDx = phaseDx,
                FlippedWeight = phaseDx ? tape.ScratchArray(ScratchSlot.FlippedWeight) : null,
                DxOffsets = phaseDx ? tape.ScratchArray(ScratchSlot.DxOffsets) : null,
                ChannelsLastDw = channelsLastDw,
                DxOverwrite = dxOverwrite,
                ColLength = Math.Max(Math.Max(g.K * group * wideWidth, phaseDx ? PhaseInputGradient.DyPlaneLength(g.O, g.H, g.W, win) : 0),
                    channelsLastDw ? ChannelsLastPlane.Length(g.C, g.H, g.W, win) : 0),
                WideLength = g.O * group * wideWidth,
                DcolLength = IndirectConv.PaddedLength(g.C, g.H, g.W, win),
            };
        }
        // dx as a convolution of dY (O channels, Ho × Wo) into C channels: an indirect GEMM where it pays, else packed.
        bool indirect = stride1 && IndirectConv.Applies(dxWindow, g.C, wo);
        bool channelsLastDx = stride1 && !indirect && ChannelsLastConv.Applies(dxWindow, g.O, g.C, wo);
        bool transposed = stride1 && (indirect || channelsLastDx || PackedUnfold.Applies(dxWindow, g.Group * hw));
        float[]? flipped = null;
        if (transposed)
        {
            // W′[c, (o·kh + i)·kw + j] = W[o, c, kh−1−i, kw−1−j]: read by every chunk, so built once here.
            tape.Scratch(ScratchSlot.FlippedWeight, g.C * g.O * taps);
            flipped = tape.ScratchArray(ScratchSlot.FlippedWeight);
        }
        float[]? offsets = null;
        if (indirect)
        {
            tape.Scratch(ScratchSlot.DxOffsets, g.O * taps);
            offsets = tape.ScratchArray(ScratchSlot.DxOffsets);
            IndirectConv.Offsets(MemoryMarshal.Cast<float, int>(offsets.AsSpan(0, g.O * taps)), g.O, ho, wo, dxWindow);
        }
        return new ConvBackwardPlan
        {
            ChannelsLastDw = channelsLastDw,
            TransposedDx = transposed,
            IndirectDx = indirect,
            ChannelsLastDx = channelsLastDx,
            DxOffsets = offsets,
            DxOverwrite = dxOverwrite,
            DxWindow = dxWindow,
            FlippedWeight = flipped,
            ColLength = g.Direct ? 0 : channelsLastDw ? ChannelsLastPlane.Length(g.C, g.H, g.W, win) : g.K * gn,
            WideLength = Math.Max(g.Group == 1 ? 0 : Math.Max(g.O * gn, transposed ? g.C * g.Group * hw : 0),
                indirect ? IndirectConv.WideLength(g.C, ho, wo, dxWindow) : 0),
            DcolLength = !needDx || g.Direct ? 0 : indirect ? IndirectConv.PaddedLength(g.O, ho, wo, dxWindow)
                : channelsLastDx ? ChannelsLastConv.WorkLength(g.O, g.C, ho, wo, dxWindow)
                : transposed ? PackedUnfold.Length(dxWindow, g.O, g.Group * hw) : g.K * gn,
            RowsLength = transposed && !indirect ? hw : 0,
        };
    }

    /// <summary>Fills <see cref="FlippedWeight"/> from W (O, C, kh, kw) (and the phase offsets of <see cref="PhaseDx"/>).</summary>
    public void FlipWeight(ReadOnlySpan<float> w, in ConvGeometry g)
    {
        if (FlippedWeight is null) return;
        int taps = g.Window.KernelH * g.Window.KernelW;
        if (ChannelsLastDx)
        {
            ChannelsLastConv.Reorder(w, g.O, g.C, taps, transposed: true, FlippedWeight.AsSpan(0, g.C * g.O * taps));
            return;
        }
        if (PhaseDx)
        {
            PhaseInputGradient.Prepare(w, g.O, g.C, g.H, g.W, g.Window, FlippedWeight.AsSpan(0, g.C * g.O * taps),
                MemoryMarshal.Cast<float, int>(DxOffsets.AsSpan(0, g.O * taps)));
            return;
        }
        var f = FlippedWeight.AsSpan(0, g.C * g.O * taps);
        for (int oc = 0; oc < g.O; oc++)
            for (int c = 0; c < g.C; c++)
                for (int t = 0; t < taps; t++) f[(c * g.O + oc) * taps + t] = w[(oc * g.C + c) * taps + taps - 1 - t];
    }
}
