namespace Depthwise.Ops;

/// <summary>
/// Geometry of a window sliding over the spatial dims of a channel-first tensor: kernel, strides, dilations and
/// resolved pads, with the sizes of the large side (<see cref="Input"/>) and the small side (<see cref="Output"/>).
/// Every array has three entries (D, H, W): 1-D and 2-D windows are normalized by prepending unit dims (size 1,
/// kernel 1, stride 1, no pads), so a kernel needs one loop nest for every spatial rank.
/// The index rule is one line, <see cref="InputPosition"/>: input = output · stride + tap · dilation − pad_begin.
/// <see cref="ValidRange"/> turns it into loop bounds, so inner loops need no per-element bounds tests.
/// ConvTranspose uses the window of the convolution it is the transpose of (its output is the large side).
/// </summary>
public sealed class SpatialWindow
{
    /// <summary>Most spatial dims a window may have.</summary>
    public const int MaxSpatialRank = 3;

    private SpatialWindow(int rank, int[] input, int[] output, int[] kernel, int[] stride, int[] dilation, int[] padBegin, int[] padEnd)
    {
        SpatialRank = rank;
        Input = input;
        Output = output;
        Kernel = kernel;
        Stride = stride;
        Dilation = dilation;
        PadBegin = padBegin;
        PadEnd = padEnd;
    }

    /// <summary>Number of spatial dims of the operator (1 to <see cref="MaxSpatialRank"/>).</summary>
    public int SpatialRank { get; }

    /// <summary>Sizes of the large side (D, H, W): the input of Conv and the pools, the output of ConvTranspose.</summary>
    public int[] Input { get; }

    /// <summary>Sizes of the small side (D, H, W): the output of Conv and the pools, the input of ConvTranspose.</summary>
    public int[] Output { get; }

    /// <summary>Kernel sizes (D, H, W).</summary>
    public int[] Kernel { get; }

    /// <summary>Strides (D, H, W).</summary>
    public int[] Stride { get; }

    /// <summary>Dilations (D, H, W).</summary>
    public int[] Dilation { get; }

    /// <summary>Resolved pads before each dim (D, H, W). May be negative for ConvTranspose with an explicit output shape.</summary>
    public int[] PadBegin { get; }

    /// <summary>Resolved pads after each dim (D, H, W).</summary>
    public int[] PadEnd { get; }

    /// <summary>Elements of one large-side plane.</summary>
    public int InputSize => Input[0] * Input[1] * Input[2];

    /// <summary>Elements of one small-side plane.</summary>
    public int OutputSize => Output[0] * Output[1] * Output[2];

    /// <summary>Taps of the kernel.</summary>
    public int KernelSize => Kernel[0] * Kernel[1] * Kernel[2];

    /// <summary>True when the window maps every output element to the input element at the same place (1×1, stride 1, no pads).</summary>
    public bool IsPointwise
    {
        get
        {
            for (int d = 0; d < 3; d++)
                if (Kernel[d] != 1 || Stride[d] != 1 || PadBegin[d] != 0 || Input[d] != Output[d]) return false;
            return true;
        }
    }

    /// <summary>The small-side spatial dims, without the unit dims added for normalization.</summary>
    public int[] OutputDims => Output[(3 - SpatialRank)..];

    /// <summary>The large-side spatial dims, without the unit dims added for normalization.</summary>
    public int[] InputDims => Input[(3 - SpatialRank)..];

    /// <summary>Input position read by output position <paramref name="output"/> at kernel tap <paramref name="tap"/> along <paramref name="dim"/>.</summary>
    public int InputPosition(int dim, int output, int tap) => output * Stride[dim] + tap * Dilation[dim] - PadBegin[dim];

    /// <summary>The output positions [Lo, Hi) along <paramref name="dim"/> whose tap <paramref name="tap"/> reads inside the input.</summary>
    public (int Lo, int Hi) OutputRangeForTap(int dim, int tap) =>
        ValidRange(Output[dim], Stride[dim], tap * Dilation[dim] - PadBegin[dim], Input[dim]);

    /// <summary>The taps [Lo, Hi) along <paramref name="dim"/> that read inside the input for output position <paramref name="output"/>.</summary>
    public (int Lo, int Hi) TapRangeForOutput(int dim, int output) =>
        ValidRange(Kernel[dim], Dilation[dim], output * Stride[dim] - PadBegin[dim], Input[dim]);

    /// <summary>
    /// The taps [Lo, Hi) along <paramref name="dim"/> that fall inside the padded input (−pad_begin to size + pad_end) for
    /// output position <paramref name="output"/>: the divisor of AveragePool with count_include_pad.
    /// </summary>
    public (int Lo, int Hi) PaddedTapRangeForOutput(int dim, int output) =>
        ValidRange(Kernel[dim], Dilation[dim], output * Stride[dim], Input[dim] + PadBegin[dim] + PadEnd[dim]);

    /// <summary>Offset of row (<paramref name="d"/>, <paramref name="h"/>) in a large-side plane (row-major D, H, W).</summary>
    public int InputRowOffset(int d, int h) => (d * Input[1] + h) * Input[2];

    /// <summary>Offset of row (<paramref name="d"/>, <paramref name="h"/>) in a small-side plane (row-major D, H, W).</summary>
    public int OutputRowOffset(int d, int h) => (d * Output[1] + h) * Output[2];

    /// <summary>
    /// The positions p in [0, <paramref name="count"/>) with 0 ≤ p · <paramref name="step"/> + <paramref name="offset"/> &lt;
    /// <paramref name="limit"/>, as a half-open range [Lo, Hi) (empty when Lo == Hi). <paramref name="step"/> must be positive.
    /// </summary>
    public static (int Lo, int Hi) ValidRange(int count, int step, int offset, int limit)
    {
        long lo = offset >= 0 ? 0 : ((long)-offset + step - 1) / step;
        long last = (long)limit - 1 - offset;
        long hi = last < 0 ? 0 : last / step + 1;
        lo = Math.Min(lo, count);
        hi = Math.Clamp(hi, lo, count);
        return ((int)lo, (int)hi);
    }

    /// <summary>
    /// The window of a sliding operator (Conv, AveragePool, MaxPool): resolves <paramref name="autoPad"/> and explicit
    /// <paramref name="pads"/> (ONNX order: all begins, then all ends) and computes the output sizes, rounding up when
    /// <paramref name="ceilMode"/> (a last window that would start in the end padding is dropped, as PyTorch and ONNX Runtime do).
    /// Null strides, dilations or pads mean the defaults (1, 1, 0).
    /// </summary>
    public static SpatialWindow ForSliding(OpContext ctx, ReadOnlySpan<int> input, ReadOnlySpan<int> kernel, int[]? strides, int[]? dilations,
        int[]? pads, AutoPad autoPad, bool ceilMode)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        int rank = input.Length;
        CheckAttributes(ctx, rank, kernel, strides, dilations, pads);
        var w = Normalized(rank, input, kernel, strides, dilations);
        int lead = 3 - rank;
        for (int i = 0; i < rank; i++)
        {
            int d = lead + i;
            int inSize = w.Input[d], s = w.Stride[d];
            long effK = (long)(w.Kernel[d] - 1) * w.Dilation[d] + 1;
            long outSize;
            if (autoPad is AutoPad.SameUpper or AutoPad.SameLower)
            {
                outSize = (inSize + (long)s - 1) / s;
                long total = Math.Max(0, (outSize - 1) * s + effK - inSize);
                long small = total / 2;
                w.PadBegin[d] = (int)(autoPad == AutoPad.SameUpper ? small : total - small);
                w.PadEnd[d] = (int)(total - w.PadBegin[d]);
            }
            else
            {
                if (autoPad == AutoPad.NotSet && pads is not null)
                {
                    w.PadBegin[d] = pads[i];
                    w.PadEnd[d] = pads[i + rank];
                }
                long span = inSize + (long)w.PadBegin[d] + w.PadEnd[d] - effK;
                if (span < 0)
                    throw ctx.Error($"the window (kernel {w.Kernel[d]}, dilation {w.Dilation[d]}) is larger than the padded input ({inSize} + pads {w.PadBegin[d]}, {w.PadEnd[d]}) along spatial axis {i}");
                outSize = span / s + 1;
                if (ceilMode && span % s != 0)
                {
                    outSize++;
                    if ((outSize - 1) * s >= inSize + (long)w.PadBegin[d]) outSize--;
                }
            }
            if (outSize > Tensors.Shape.MaxElements) throw ctx.Error($"output size {outSize} along spatial axis {i} is too large");
            w.Output[d] = (int)outSize;
        }
        return w;
    }

    /// <summary>
    /// A window with every size and pad given (ConvTranspose, where the large side is the computed output).
    /// </summary>
    public static SpatialWindow FromSizes(ReadOnlySpan<int> large, ReadOnlySpan<int> small, ReadOnlySpan<int> kernel, ReadOnlySpan<int> strides,
        ReadOnlySpan<int> dilations, ReadOnlySpan<int> padBegin, ReadOnlySpan<int> padEnd)
    {
        int rank = large.Length;
        var w = Normalized(rank, large, kernel, strides.ToArray(), dilations.ToArray());
        int lead = 3 - rank;
        for (int i = 0; i < rank; i++)
        {
            w.Output[lead + i] = small[i];
            w.PadBegin[lead + i] = padBegin[i];
            w.PadEnd[lead + i] = padEnd[i];
        }
        return w;
    }

    /// <summary>Checks the lengths and signs of window attributes against the spatial rank.</summary>
    public static void CheckAttributes(OpContext ctx, int rank, ReadOnlySpan<int> kernel, int[]? strides, int[]? dilations, int[]? pads)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (rank < 1 || rank > MaxSpatialRank)
            throw ctx.Error($"the input has {rank} spatial dims; 1 to {MaxSpatialRank} are supported");
        if (kernel.Length != rank) throw ctx.Error($"kernel_shape has {kernel.Length} entries; the input has {rank} spatial dims");
        foreach (var k in kernel) if (k < 1) throw ctx.Error($"kernel_shape {Tensors.Shape.Format(kernel)} must be positive");
        if (strides is not null)
        {
            if (strides.Length != rank) throw ctx.Error($"strides has {strides.Length} entries; the input has {rank} spatial dims");
            foreach (var s in strides) if (s < 1) throw ctx.Error($"strides {Tensors.Shape.Format(strides)} must be positive");
        }
        if (dilations is not null)
        {
            if (dilations.Length != rank) throw ctx.Error($"dilations has {dilations.Length} entries; the input has {rank} spatial dims");
            foreach (var s in dilations) if (s < 1) throw ctx.Error($"dilations {Tensors.Shape.Format(dilations)} must be positive");
        }
        if (pads is not null)
        {
            if (pads.Length != 2 * rank) throw ctx.Error($"pads has {pads.Length} entries; expected {2 * rank} (begin and end of {rank} spatial dims)");
            foreach (var p in pads) if (p < 0) throw ctx.Error($"pads {Tensors.Shape.Format(pads)} must not be negative");
        }
    }

    private static SpatialWindow Normalized(int rank, ReadOnlySpan<int> input, ReadOnlySpan<int> kernel, int[]? strides, int[]? dilations)
    {
        int[] sizes = [1, 1, 1], kernelSizes = [1, 1, 1], strideSizes = [1, 1, 1], dilationSizes = [1, 1, 1];
        int lead = 3 - rank;
        for (int i = 0; i < rank; i++)
        {
            sizes[lead + i] = input[i];
            kernelSizes[lead + i] = kernel[i];
            if (strides is not null) strideSizes[lead + i] = strides[i];
            if (dilations is not null) dilationSizes[lead + i] = dilations[i];
        }
        return new SpatialWindow(rank, sizes, [1, 1, 1], kernelSizes, strideSizes, dilationSizes, new int[3], new int[3]);
    }
}
