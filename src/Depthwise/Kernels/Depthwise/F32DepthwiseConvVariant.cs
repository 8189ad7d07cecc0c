namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// One fp32 depthwise-convolution variant of <see cref="DepthwiseConvCatalog"/>: NHWC input [N, H, W, C], weights
/// packed by <see cref="F32DepthwiseConvWeights"/>, output [N, OH, OW, C] = act(conv + bias), depth multiplier 1.
/// Chosen once when a plan is compiled (<see cref="DepthwiseConvCatalog.Select"/>); <see cref="Run(F32DepthwiseConvWeights, in DepthwiseConvShape, FusedEpilogue, ReadOnlySpan{float}, Span{float}, DepthwiseConvRange)"/>
/// allocates nothing and may run on several threads at once over disjoint row ranges.
/// </summary>
public sealed unsafe class F32DepthwiseConvVariant
{
    private readonly delegate*<in DepthwiseConvArgs, int, int, void> _linear, _clamp, _hardSwish;

    internal F32DepthwiseConvVariant(string name, DepthwiseConvIsa isa, int kernelSize, int stride, int channelTile,
        int pixelTile, bool isSupported, delegate*<in DepthwiseConvArgs, int, int, void> linear,
        delegate*<in DepthwiseConvArgs, int, int, void> clamp, delegate*<in DepthwiseConvArgs, int, int, void> hardSwish)
    {
        Name = name;
        Isa = isa;
        KernelSize = kernelSize;
        Stride = stride;
        ChannelTile = channelTile;
        PixelTile = pixelTile;
        IsSupported = isSupported;
        _linear = linear;
        _clamp = clamp;
        _hardSwish = hardSwish;
    }

    /// <summary>Kernel name in the DESIGN grammar, e.g. <c>F32DepthwiseConv3x3s2_V512</c>.</summary>
    public string Name { get; }

    /// <summary>Instruction set the variant uses.</summary>
    public DepthwiseConvIsa Isa { get; }

    /// <summary>The square kernel size it is specialized for (3 or 5), or 0 for the generic KxK variant.</summary>
    public int KernelSize { get; }

    /// <summary>The stride (both axes) it is specialized for, or 0 for the generic variant (any stride, dilation).</summary>
    public int Stride { get; }

    /// <summary>Channels per vector: 16, 8, 4 or 1.</summary>
    public int ChannelTile { get; }

    /// <summary>Output pixels of a row computed together in the interior (1 for the generic variant).</summary>
    public int PixelTile { get; }

    /// <summary>True when this CPU and runtime can run the variant (honours the DOTNET_Enable* switches).</summary>
    public bool IsSupported { get; }

    /// <summary>True for the generic KxK variant.</summary>
    public bool IsGeneric => KernelSize == 0;

    /// <summary>
    /// True when the variant computes <paramref name="shape"/>: the generic one always, a specialized one for its
    /// square kernel and stride with dilation 1 (any pads, channels and sizes).
    /// </summary>
    public bool Supports(in DepthwiseConvShape shape) =>
        IsGeneric || (shape.KernelHeight == KernelSize && shape.KernelWidth == KernelSize &&
                      shape.StrideHeight == Stride && shape.StrideWidth == Stride &&
                      shape.DilationHeight == 1 && shape.DilationWidth == 1);

    /// <summary>Computes the whole output.</summary>
    public void Run(F32DepthwiseConvWeights weights, in DepthwiseConvShape shape, FusedEpilogue epilogue,
        ReadOnlySpan<float> input, Span<float> output) =>
        Run(weights, shape, epilogue, input, output, DepthwiseConvRange.Full(shape));

    /// <summary>
    /// Computes the output rows of <paramref name="range"/> (see <see cref="DepthwiseConvRange"/>). The input must
    /// hold at least N·H·W·C floats and the output N·OH·OW·C; nothing outside those is read or written. The output
    /// must not overlap the input.
    /// </summary>
    public void Run(F32DepthwiseConvWeights weights, in DepthwiseConvShape shape, FusedEpilogue epilogue,
        ReadOnlySpan<float> input, Span<float> output, DepthwiseConvRange range)
    {
        if (!IsSupported) throw new PlatformNotSupportedException($"{Name} is not supported on this CPU/runtime");
        if (!Supports(shape)) throw new ArgumentException($"{Name} does not compute {shape}", nameof(shape));
        Validate(weights, shape, input, output, range);
        if (range.IsEmpty) return;
        if (input[..shape.InputLength].Overlaps(output[..shape.OutputLength]))
            throw new ArgumentException("the output must not overlap the input", nameof(output));
        var run = epilogue.Activation switch
        {
            FusedActivation.Clamp => _clamp,
            FusedActivation.HardSwish => _hardSwish,
            _ => _linear,
        };
        fixed (float* pi = input)
        fixed (float* po = output)
        {
            var args = new DepthwiseConvArgs
            {
                Input = pi, Output = po, Weights = weights.Pointer,
                Height = shape.Height, Width = shape.Width, Channels = shape.Channels, ChannelStride = weights.ChannelStride,
                KernelHeight = shape.KernelHeight, KernelWidth = shape.KernelWidth,
                StrideHeight = shape.StrideHeight, StrideWidth = shape.StrideWidth,
                DilationHeight = shape.DilationHeight, DilationWidth = shape.DilationWidth,
                PadTop = shape.PadTop, PadLeft = shape.PadLeft,
                OutputHeight = shape.OutputHeight, OutputWidth = shape.OutputWidth,
                InteriorStart = shape.InteriorStart, InteriorEnd = shape.InteriorEnd,
                Min = epilogue.Min, Max = epilogue.Max,
            };
            run(in args, range.Start, range.End);
        }
        GC.KeepAlive(weights);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>The argument checks every entry point (variants and the reference) makes.</summary>
    internal static void Validate(F32DepthwiseConvWeights weights, in DepthwiseConvShape shape, ReadOnlySpan<float> input,
        ReadOnlySpan<float> output, DepthwiseConvRange range)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (shape.Channels < 1) throw new ArgumentException("the shape is not initialized", nameof(shape));
        if (weights.Channels != shape.Channels || weights.KernelHeight != shape.KernelHeight ||
            weights.KernelWidth != shape.KernelWidth)
            throw new ArgumentException(
                $"weights are {weights.KernelHeight}×{weights.KernelWidth}×{weights.Channels}, the shape needs " +
                $"{shape.KernelHeight}×{shape.KernelWidth}×{shape.Channels}", nameof(weights));
        if (input.Length < shape.InputLength)
            throw new ArgumentException($"input holds {input.Length} floats, {shape} needs {shape.InputLength}", nameof(input));
        if (output.Length < shape.OutputLength)
            throw new ArgumentException($"output holds {output.Length} floats, {shape} needs {shape.OutputLength}", nameof(output));
        if (range.Start < 0 || range.End > shape.RowCount || range.Start > range.End)
            throw new ArgumentOutOfRangeException(nameof(range), $"{range} is outside [0, {shape.RowCount})");
    }
}
