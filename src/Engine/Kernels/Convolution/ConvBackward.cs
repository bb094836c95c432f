using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// The convolution backward of a range of batch items (dW, dx) by the path <see cref="ConvBackwardPlan"/> chose; called
/// by the backward that <see cref="Ops.Conv2d"/> and <see cref="Ops.Conv1d"/> record.
/// </summary>
internal static class ConvBackward
{
    /// <summary>
    /// Backward of items [s0, s1): dWᵀ (K, O) = Σ col · dY_Gᵀ into <paramref name="dwT"/> (overwritten), computed so that
    /// the large col is read in place and only dY_G is packed (measured 1.15–1.6× faster than dY_G · colᵀ for O ≤ 64);
    /// dx by the path <paramref name="plan"/> chose (written when fresh, else added).
    /// </summary>
    public static void Range(ConvBackwardBuffers buffers, Span<float> dwT, Tensor x, Tensor weight,
        Tensor y, bool needDw, Tensor? dxTensor, in ConvGeometry g, in ConvBackwardPlan plan, Tensor? offsets, int s0, int s1)
    {
        if (plan.PlaneBackward)
        {
            PlaneRange(buffers, dwT, x, weight, y, needDw, dxTensor, g, plan, MemoryMarshal.Cast<float, int>(offsets!.Span), s0, s1);
            return;
        }
        int o = g.O, k = g.K, n = g.N, gn = g.Group * n, imageSize = g.ImageSize, hw = g.H * g.W;
        var dy = y.Grad!.Span;
        var dx = dxTensor is null ? default : dxTensor.Span;
        bool addDx = !plan.DxOverwrite;
        for (int b0 = s0; b0 < s1; b0 += g.Group)
        {
            int gi0 = Math.Min(g.Group, s1 - b0);
            ReadOnlySpan<float> dyg;
            if (g.Group == 1)
            {
                dyg = dy.Slice(b0 * o * n, o * n);
            }
            else
            {
                for (int gi = 0; gi < gi0; gi++)
                    for (int oc = 0; oc < o; oc++)
                        dy.Slice(((b0 + gi) * o + oc) * n, n).CopyTo(buffers.Wide.Slice(oc * gn + gi * n, n));
                dyg = buffers.Wide;
            }
            if (needDw && plan.ChannelsLastDw)
            {
                ChannelsLastWeightGradients(buffers.Col, dwT, x, dy, g, b0, gi0, accumulate: b0 > s0);
            }
            else if (needDw)
            {
                ReadOnlySpan<float> src = g.Direct ? x.Span.Slice(b0 * imageSize, imageSize)
                    : ConvForward.UnfoldGroup(buffers.Col, x, b0, gi0, n, gn, g.C, g.H, g.W, g.Window);
                // dWᵀ (K, O) (+)= col (K, G·N) · dY_Gᵀ (G·N, O)
                Sgemm.Multiply(false, true, k, o, gi0 * n, src, gn, dyg, gn, dwT, o, accumulate: b0 > s0);
            }
            if (dxTensor is null) continue;
            var dxItems = dx.Slice(b0 * imageSize, gi0 * imageSize);
            if (g.Direct)
            {
                // 1×1 direct: dx_b (C, N) (+)= Wᵀ (C, O) · dY_b (O, N)
                Sgemm.Multiply(true, false, k, n, o, weight.Span, k, dyg, n, dxItems, n, accumulate: addDx);
                continue;
            }
            if (plan.TransposedDx)
            {
                // dx_G (C, G·H·W) (+)= W′ (C, O·kh·kw) · [unfold(dY_b) …]
                var flipped = plan.FlippedWeight.AsSpan(0, g.C * o * g.Window.KernelH * g.Window.KernelW);
                var dyItems = dy.Slice(b0 * o * n, gi0 * o * n);
                int ho = g.Window.OutH(g.H), wo = g.Window.OutW(g.W);
                if (plan.ChannelsLastDx)
                {
                    for (int gi = 0; gi < gi0; gi++)
                        ChannelsLastConv.Forward(dyItems.Slice(gi * o * n, o * n), flipped, dxItems.Slice(gi * imageSize, imageSize), o, g.C, ho, wo,
                            plan.DxWindow, buffers.Dcol, addDx);
                    continue;
                }
                if (plan.IndirectDx)
                {
                    var offs = MemoryMarshal.Cast<float, int>(plan.DxOffsets.AsSpan(0, o * g.Window.KernelH * g.Window.KernelW));
                    for (int gi = 0; gi < gi0; gi++)
                        IndirectConv.Forward(dyItems.Slice(gi * o * n, o * n), flipped, dxItems.Slice(gi * imageSize, imageSize), o, ho, wo, g.C,
                            plan.DxWindow, offs, buffers.Dcol, buffers.Wide, addDx);
                    continue;
                }
                if (g.Group == 1)
                {
                    PackedUnfold.Product(g.C, flipped, dyItems, o * n, 1, o, ho, wo, plan.DxWindow, buffers.Dcol, buffers.RowScratch, dxItems, hw, addDx);
                    continue;
                }
                int width = gi0 * hw;
                PackedUnfold.Product(g.C, flipped, dyItems, o * n, gi0, o, ho, wo, plan.DxWindow, buffers.Dcol, buffers.RowScratch, buffers.Wide, width, false);
                for (int gi = 0; gi < gi0; gi++)
                    for (int c = 0; c < g.C; c++)
                    {
                        var from = buffers.Wide.Slice(c * width + gi * hw, hw);
                        var to = dxItems.Slice(gi * imageSize + c * hw, hw);
                        if (addDx) TensorPrimitives.Add(to, from, to);
                        else from.CopyTo(to);
                    }
                continue;
            }
            // dcol (K, G·N) = Wᵀ (K, O) · dY_G (O, G·N), then col2im += into each dx_b (cleared first when fresh)
            if (!addDx) dxItems.Clear();
            Sgemm.Multiply(true, false, k, gi0 * n, o, weight.Span, k, dyg, gn, buffers.Dcol, gn, accumulate: false);
            for (int gi = 0; gi < gi0; gi++)
                Im2Col.FoldAdd(dx.Slice((b0 + gi) * imageSize, imageSize), buffers.Dcol[(gi * n)..], gn, g.C, g.H, g.W, g.Window);
        }
    }

    /// <summary>
    /// dW (O, taps, C) (+)= the weight gradient of items b0 … b0 + count − 1, each from its channels-last plane
    /// (<see cref="ChannelsLastWeightGradient"/>; <paramref name="work"/> holds the plane).
    /// </summary>
    private static void ChannelsLastWeightGradients(Span<float> work, Span<float> dw, Tensor x, ReadOnlySpan<float> dy, in ConvGeometry g,
        int b0, int count, bool accumulate)
    {
        for (int i = 0; i < count; i++)
        {
            ChannelsLastPlane.Fill(x.Span.Slice((b0 + i) * g.ImageSize, g.ImageSize), work, g.C, g.H, g.W, g.Window);
            ChannelsLastWeightGradient.Accumulate(work, dy.Slice((b0 + i) * g.O * g.N, g.O * g.N), g.C, g.O, g.H, g.W, g.Window, dw, accumulate || i > 0);
        }
    }

    /// <summary>
    /// <see cref="ConvBackwardPlan.PlaneBackward"/> for items [s0, s1), G at a time, N′ = Ho·Wq wide columns each. dW from
    /// channels-last planes where that applies, else dWᵀ (K, O) (+)= col (K, G·N′) · dY_Gᵀ with dY_G (O, G·N′) laid out
    /// wide (zeros in the dropped columns) and col's rows contiguous runs of each item's polyphase plane. dx phase by
    /// phase into the plane (<see cref="PhaseInputGradient"/>) where that applies, else dcol (K, G·N′) = Wᵀ · dY_G folded
    /// back with contiguous adds into the plane; either way dx is the plane's interior.
    /// </summary>
    public static void PlaneRange(ConvBackwardBuffers buffers, Span<float> dwT, Tensor x, Tensor weight, Tensor y, bool needDw,
        Tensor? dxTensor, in ConvGeometry g, in ConvBackwardPlan plan, ReadOnlySpan<int> offsets, int s0, int s1)
    {
        int o = g.O, k = g.K, n = g.N, imageSize = g.ImageSize, wideWidth = IndirectConv.WideWidth(g.H, g.W, g.Window);
        int planeLength = IndirectConv.PaddedLength(g.C, g.H, g.W, g.Window);
        var dy = y.Grad!.Span;
        var taps = offsets[..k];
        var plane = buffers.Dcol[..planeLength];
        for (int b0 = s0; b0 < s1; b0 += plan.PlaneGroup)
        {
            int count = Math.Min(plan.PlaneGroup, s1 - b0), width = count * wideWidth;
            var col = buffers.Col[..(k * width)];
            var wide = buffers.Wide[..(o * width)];
            // dY laid out wide, for the column-matrix paths only.
            if ((needDw && !plan.ChannelsLastDw) || (dxTensor is not null && !plan.PhaseDx))
                for (int i = 0; i < count; i++)
                    IndirectConv.ToWide(dy.Slice((b0 + i) * o * n, o * n), wide[(i * wideWidth)..], width, o, g.H, g.W, g.Window);
            if (needDw && plan.ChannelsLastDw)
            {
                ChannelsLastWeightGradients(buffers.Col, dwT, x, dy, g, b0, count, accumulate: b0 > s0);
            }
            else if (needDw)
            {
                for (int i = 0; i < count; i++)
                {
                    IndirectConv.FillPlane(x.Span.Slice((b0 + i) * imageSize, imageSize), plane, g.C, g.H, g.W, g.Window);
                    IndirectConv.UnfoldWide(plane, taps, col[(i * wideWidth)..], width, wideWidth);
                }
                Sgemm.Multiply(false, true, k, o, width, col, width, wide, width, dwT, o, accumulate: b0 > s0);
            }
            if (dxTensor is null) continue;
            if (plan.PhaseDx)
            {
                int allTaps = g.Window.KernelH * g.Window.KernelW;
                var phaseWeights = plan.FlippedWeight.AsSpan(0, g.C * o * allTaps);
                var phaseOffsets = MemoryMarshal.Cast<float, int>(plan.DxOffsets.AsSpan(0, o * allTaps));
                for (int i = 0; i < count; i++)
                    PhaseInputGradient.Compute(dy.Slice((b0 + i) * o * n, o * n), dxTensor.Span.Slice((b0 + i) * imageSize, imageSize), o, g.C, g.H, g.W,
                        g.Window, phaseWeights, phaseOffsets, buffers.Col, plane, !plan.DxOverwrite);
                continue;
            }
            Sgemm.Multiply(true, false, k, width, o, weight.Span, k, wide, width, col, width, accumulate: false);
            for (int i = 0; i < count; i++)
            {
                IndirectConv.FoldWide(col[(i * wideWidth)..], width, taps, plane, wideWidth, planeLength);
                IndirectConv.ExtractPlane(plane, dxTensor.Span.Slice((b0 + i) * imageSize, imageSize), g.C, g.H, g.W, g.Window, !plan.DxOverwrite);
            }
        }
    }
}
