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
    private readonly delegate*<in Q8DepthwiseConvArgs, void> _fixedU8, _fixedS8, _halfU8, _halfS8;

    internal Q8DepthwiseConvVariant(string name, GemmIsa isa, int channelTile, bool isSupported,
        delegate*<in Q8DepthwiseConvArgs, void> fixedU8, delegate*<in Q8DepthwiseConvArgs, void> fixedS8,
        delegate*<in Q8DepthwiseConvArgs, void> halfU8, delegate*<in Q8DepthwiseConvArgs, void> halfS8)
    {
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
                ZeroPointRow = weights.ZeroPointRow,
                Shape = shape, Q = requantization.Args, Range = range,
            };
            bool fixedPoint = requantization.Mode == RequantizeMode.TfLiteFixedPoint;
            var run = fixedPoint ? (inputSigned ? _fixedS8 : _fixedU8) : (inputSigned ? _halfS8 : _halfU8);
            run(in args);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
