using Depthwise.Kernels.Depthwise;
using Depthwise.Kernels.Gemm;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// One quantized NHWC depthwise-convolution variant of <see cref="Q8DepthwiseConvCatalog"/> (any kernel size,
/// stride, dilation and padding; depth multiplier 1), vectorized over <see cref="ChannelTile"/> channels.
/// Run validates the buffers, allocates nothing and may run on several threads at once over disjoint row ranges.
/// </summary>
public sealed unsafe class Q8DepthwiseConvVariant
{
    private readonly delegate*<in Q8DepthwiseConvArgs, void> _fixedU8, _fixedS8, _halfU8, _halfS8, _int32U8, _int32S8;

    internal Q8DepthwiseConvVariant(string name, GemmIsa isa, int channelTile, bool isSupported,
        delegate*<in Q8DepthwiseConvArgs, void> fixedU8, delegate*<in Q8DepthwiseConvArgs, void> fixedS8,
        delegate*<in Q8DepthwiseConvArgs, void> halfU8, delegate*<in Q8DepthwiseConvArgs, void> halfS8,
        delegate*<in Q8DepthwiseConvArgs, void> int32U8, delegate*<in Q8DepthwiseConvArgs, void> int32S8)
    {
        _int32U8 = int32U8;
        _int32S8 = int32S8;
        Name = name;
        Isa = isa;
        ChannelTile = channelTile;
        IsSupported = isSupported;
        _fixedU8 = fixedU8;
        _fixedS8 = fixedS8;
        _halfU8 = halfU8;
        _halfS8 = halfS8;
    }

    /// <summary>Variant name, e.g. <c>Q8DepthwiseConv_V512</c>.</summary>
    public string Name { get; }

    /// <summary>Instruction set.</summary>
    public GemmIsa Isa { get; }

    /// <summary>Channels per vector.</summary>
    public int ChannelTile { get; }

    /// <summary>True when this CPU and runtime can run the variant.</summary>
    public bool IsSupported { get; }

    /// <summary>The full kernel name, e.g. <c>QU8DepthwiseConvFixedPoint_V512</c>.</summary>
    public string KernelName(DataType input, RequantizeMode mode) =>
        $"{(input == DataType.Int8 ? "QS8" : "QU8")}DepthwiseConv{(mode == RequantizeMode.TfLiteFixedPoint ? "FixedPoint" : "RoundHalfEven")}_{Isa}";

    /// <summary>
    /// Computes output rows <paramref name="range"/> of Y (NHWC bytes) from X (NHWC bytes, int8 when
    /// <paramref name="inputSigned"/>) with the packed filters and the per-channel requantization.
    /// </summary>
    public void Run(Q8DepthwiseConvWeights weights, in DepthwiseConvShape shape, Q8Requantization requantization,
        ReadOnlySpan<byte> input, bool inputSigned, Span<byte> output, DepthwiseConvRange range)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(requantization);
        if (!IsSupported) throw new PlatformNotSupportedException($"{Name} is not supported on this CPU/runtime");
        if (weights.Channels != shape.Channels || weights.KernelHeight != shape.KernelHeight || weights.KernelWidth != shape.KernelWidth)
            throw new ArgumentException($"weights for {weights.Channels} channels {weights.KernelHeight}×{weights.KernelWidth}, shape {shape}", nameof(weights));
        if (requantization.Channels != shape.Channels)
            throw new ArgumentException($"{requantization.Channels} requantization channels for {shape.Channels}", nameof(requantization));
        if (input.Length < shape.InputLength) throw new ArgumentException($"input holds {input.Length} bytes; {shape.InputLength} needed", nameof(input));
        if (output.Length < shape.OutputLength) throw new ArgumentException($"output holds {output.Length} bytes; {shape.OutputLength} needed", nameof(output));
        if (range.Start < 0 || range.End > shape.RowCount) throw new ArgumentOutOfRangeException(nameof(range), $"{range} outside {shape.RowCount} rows");
        if (range.IsEmpty || shape.OutputLength == 0) return;
        fixed (byte* px = input)
        fixed (byte* py = output)
        {
            var args = new Q8DepthwiseConvArgs
            {
                X = px, Y = py, W = weights.Pointer, RowStride = weights.RowStride, InputZeroPoint = weights.InputZeroPoint,
                ZeroPointRow = weights.ZeroPointRow, Folded = weights.Pointer + (weights.KernelHeight * weights.KernelWidth + 1) * weights.RowStride,
                Shape = shape, Q = requantization.Args, Range = range,
            };
            bool fixedPoint = requantization.Mode == RequantizeMode.TfLiteFixedPoint;
            var run = fixedPoint ? (inputSigned ? _fixedS8 : _fixedU8) : (inputSigned ? _halfS8 : _halfU8);
            run(in args);
        }
    }

    /// <summary>Ints of folded-bias scratch <see cref="RunInt32"/> needs for <paramref name="channels"/> channels.</summary>
    public static int FoldedScratchInts(int channels) => channels;

    /// <summary>Bytes of zero-point-row scratch <see cref="RunInt32"/> needs for <paramref name="channels"/> channels.</summary>
    public static int ZeroPointRowScratchBytes(int channels) => channels + 64;

    /// <summary>
    /// Computes output rows <paramref name="range"/> of the int32 accumulators <c>bias[c] + Σ_taps inside (x − zx)·w'</c>
    /// (NHWC ints) for an input zero point <paramref name="inputZeroPoint"/> given per call (the weights' own one is
    /// ignored): the integer half of a hybrid (dynamic-range) depthwise layer, whose zero point changes with every
    /// input. <paramref name="foldedScratch"/> and <paramref name="zeroPointRowScratch"/> (sizes from
    /// <see cref="FoldedScratchInts"/> and <see cref="ZeroPointRowScratchBytes"/>) are overwritten.
    /// </summary>
    public void RunInt32(Q8DepthwiseConvWeights weights, in DepthwiseConvShape shape, ReadOnlySpan<byte> input, bool inputSigned,
        int inputZeroPoint, Span<int> output, DepthwiseConvRange range, Span<int> foldedScratch, Span<byte> zeroPointRowScratch)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!IsSupported) throw new PlatformNotSupportedException($"{Name} is not supported on this CPU/runtime");
        if (weights.Channels != shape.Channels || weights.KernelHeight != shape.KernelHeight || weights.KernelWidth != shape.KernelWidth)
            throw new ArgumentException($"weights for {weights.Channels} channels {weights.KernelHeight}×{weights.KernelWidth}, shape {shape}", nameof(weights));
        if (input.Length < shape.InputLength) throw new ArgumentException($"input holds {input.Length} bytes; {shape.InputLength} needed", nameof(input));
        if (output.Length < shape.OutputLength) throw new ArgumentException($"output holds {output.Length} ints; {shape.OutputLength} needed", nameof(output));
        if (range.Start < 0 || range.End > shape.RowCount) throw new ArgumentOutOfRangeException(nameof(range), $"{range} outside {shape.RowCount} rows");
        int channels = shape.Channels;
        if (foldedScratch.Length < FoldedScratchInts(channels)) throw new ArgumentException($"{foldedScratch.Length} ints of folded-bias scratch; {FoldedScratchInts(channels)} needed", nameof(foldedScratch));
        if (zeroPointRowScratch.Length < ZeroPointRowScratchBytes(channels)) throw new ArgumentException($"{zeroPointRowScratch.Length} bytes of zero-point scratch; {ZeroPointRowScratchBytes(channels)} needed", nameof(zeroPointRowScratch));
        if (inputZeroPoint < (inputSigned ? -128 : 0) || inputZeroPoint > (inputSigned ? 127 : 255))
            throw new ArgumentOutOfRangeException(nameof(inputZeroPoint), inputZeroPoint, inputSigned ? "an int8 zero point" : "a uint8 zero point");
        if (range.IsEmpty || shape.OutputLength == 0) return;
        int taps = weights.KernelHeight * weights.KernelWidth;
        var bias = weights.Bias;
        for (int c = 0; c < channels; c++)
        {
            int sum = 0;
            for (int t = 0; t < taps; t++) sum += weights.Tap(t)[c];
            foldedScratch[c] = unchecked(bias[c] - inputZeroPoint * sum);
        }
        zeroPointRowScratch[..ZeroPointRowScratchBytes(channels)].Fill(unchecked((byte)inputZeroPoint));
        fixed (byte* px = input)
        fixed (int* py = output)
        fixed (int* pf = foldedScratch)
        fixed (byte* pz = zeroPointRowScratch)
        {
            var args = new Q8DepthwiseConvArgs
            {
                X = px, Y = (byte*)py, W = weights.Pointer, RowStride = weights.RowStride, InputZeroPoint = inputZeroPoint,
                ZeroPointRow = pz, Folded = pf, Shape = shape, Range = range,
            };
            (inputSigned ? _int32S8 : _int32U8)(in args);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
