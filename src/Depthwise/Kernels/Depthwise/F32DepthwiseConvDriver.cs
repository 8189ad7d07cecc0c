using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// The loops every fp32 depthwise variant shares: output rows of the work range, channel blocks within a row, the
/// bounds-checked pixel of the generic kernel, and the fused activation and store.
/// </summary>
/// <remarks>
/// Channel tails never touch memory outside the logical tensor: after the full blocks of the variant's width the
/// remaining channels go to the next narrower vector (16 → 8 → 4), the last 1–3 channels to one 4-wide block that
/// overlaps channels already done (recomputing them bit-identically), and only C &lt; 4 runs one channel at a time.
/// Real nets' channel counts are multiples of 8, so the wide variants see at most one half-width block per row.
/// </remarks>
internal static unsafe class F32DepthwiseConvDriver
{
    /// <summary>
    /// Computes output rows [start, end) of the flattened (image, row) index: two rows of the same image at a time
    /// when the kernel pairs rows, else one.
    /// </summary>
    // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Run<TL, TV, TK, TA>(in DepthwiseConvArgs a, int start, int end)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TK : struct, IF32DepthwiseRowKernel
        where TA : struct, IDepthwiseConvActivationKind
    {
        for (int unit = start; unit < end;)
        {
            int n = unit / a.OutputHeight, oy = unit - n * a.OutputHeight;
            bool pair = TK.PairsRows && unit + 1 < end && oy + 1 < a.OutputHeight;
            Channels<TL, TV, TK, TA>(a, n, oy, pair);
            unit += pair ? 2 : 1;
        }
    }

    /// <summary>Every channel block of one row (or row pair): full vectors of the variant's width, then the tail.</summary>
    // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Channels<TL, TV, TK, TA>(in DepthwiseConvArgs a, int n, int oy, bool pair)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TK : struct, IF32DepthwiseRowKernel
        where TA : struct, IDepthwiseConvActivationKind
    {
        int channels = a.Channels, c = 0;
        if (TL.Count >= 16)
            for (; c + 16 <= channels; c += 16) Block<F32Lanes512, Vector512<float>, TK, TA>(a, n, oy, c, pair);
        if (TL.Count >= 8)
            for (; c + 8 <= channels; c += 8) Block<F32Lanes256, Vector256<float>, TK, TA>(a, n, oy, c, pair);
        if (TL.Count >= 4)
        {
            for (; c + 4 <= channels; c += 4) Block<F32Lanes128, Vector128<float>, TK, TA>(a, n, oy, c, pair);
            if (c < channels && channels >= 4)
            {
                Block<F32Lanes128, Vector128<float>, TK, TA>(a, n, oy, channels - 4, pair);
                c = channels;
            }
        }
        for (; c < channels; c++) Block<F32LanesScalar, float, TK, TA>(a, n, oy, c, pair);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block<TL, TV, TK, TA>(in DepthwiseConvArgs a, int n, int oy, int c, bool pair)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TK : struct, IF32DepthwiseRowKernel
        where TA : struct, IDepthwiseConvActivationKind
    {
        if (pair) TK.RowPair<TL, TV, TA>(a, n, oy, c);
        else TK.Row<TL, TV, TA>(a, n, oy, c);
    }

    /// <summary>The fused activation of one vector (the branches fold away per <typeparamref name="TA"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Activate<TL, TV, TA>(TV v, TV min, TV max)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        if (TA.Kind == FusedActivation.Clamp) return F32LaneActivations.Clamp<TL, TV>(v, min, max);
        if (TA.Kind == FusedActivation.HardSwish) return F32LaneActivations.HardSwish<TL, TV>(v);
        return v;
    }

    /// <summary>
    /// Activates and stores the first <paramref name="count"/> (1..4, a constant 4 in the interior) of a tile's
    /// accumulators, output pixels <paramref name="stride"/> floats apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TL, TV, TA>(float* y, nint stride, int count, TV acc0, TV acc1, TV acc2, TV acc3, TV min, TV max)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        TL.Store(y, Activate<TL, TV, TA>(acc0, min, max));
        if (count > 1) TL.Store(y + stride, Activate<TL, TV, TA>(acc1, min, max));
        if (count > 2) TL.Store(y + 2 * stride, Activate<TL, TV, TA>(acc2, min, max));
        if (count > 3) TL.Store(y + 3 * stride, Activate<TL, TV, TA>(acc3, min, max));
    }

    /// <summary>Input row <paramref name="iy"/> of the image at <paramref name="image"/>, or null in the padding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float* RowOrNull(in DepthwiseConvArgs a, float* image, int iy) =>
        (uint)iy < (uint)a.Height ? image + (nint)iy * a.Width * a.Channels : null;

    /// <summary>First input element of image <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float* Image(in DepthwiseConvArgs a, int n) => a.Input + (nint)n * a.Height * a.Width * a.Channels;

    /// <summary>Output pixel (n, oy, 0), channel 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float* OutputRow(in DepthwiseConvArgs a, int n, int oy) =>
        a.Output + ((nint)n * a.OutputHeight + oy) * a.OutputWidth * a.Channels;

    /// <summary>
    /// One output pixel for one channel block, any kernel size, stride and dilation, every tap bounds-checked: the
    /// generic kernel's only path. Accumulates bias + Σ_ky Σ_kx in the same order as the specialized tiles.
    /// </summary>
    public static void Pixel<TL, TV, TA>(in DepthwiseConvArgs a, float* image, int iy0, int ix0, int c, float* output)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        nint channels = a.Channels, cs = a.ChannelStride;
        int kh = a.KernelHeight, kw = a.KernelWidth, w = a.Width;
        float* weights = a.Weights + c;
        TV acc = TL.Load(weights);
        float* tap = weights + cs;
        int iy = iy0;
        for (int ky = 0; ky < kh; ky++, iy += a.DilationHeight)
        {
            if ((uint)iy >= (uint)a.Height)
            {
                tap += kw * cs;
                continue;
            }
            float* row = image + (nint)iy * w * channels + c;
            int ix = ix0;
            for (int kx = 0; kx < kw; kx++, ix += a.DilationWidth, tap += cs)
                if ((uint)ix < (uint)w) acc = TL.MultiplyAdd(TL.Load(row + ix * channels), TL.Load(tap), acc);
        }
        TL.Store(output + c, Activate<TL, TV, TA>(acc, TL.Splat(a.Min), TL.Splat(a.Max)));
    }
}
