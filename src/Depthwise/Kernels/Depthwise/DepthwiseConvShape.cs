namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// The concrete geometry of one depthwise convolution (depth multiplier 1) in NHWC: input [N, H, W, C], one
/// KH×KW filter per channel, output [N, OH, OW, C]. Built once when a plan is compiled; validated here so the
/// kernels need not check anything but buffer lengths.
/// </summary>
/// <remarks>
/// A depth multiplier above 1 (ONNX Conv with group = C and M = k·C outputs) is not a depthwise kernel's job: it is a
/// grouped convolution with k outputs per group and runs on the general convolution path.
/// </remarks>
public readonly struct DepthwiseConvShape : IEquatable<DepthwiseConvShape>
{
    /// <summary>Creates and validates a geometry; pads are explicit and may be asymmetric (TF SAME).</summary>
    public DepthwiseConvShape(int batch, int height, int width, int channels, int kernelHeight, int kernelWidth,
        int strideHeight, int strideWidth, int dilationHeight, int dilationWidth,
        int padTop, int padLeft, int padBottom, int padRight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dilationHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dilationWidth, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padTop);
        ArgumentOutOfRangeException.ThrowIfNegative(padLeft);
        ArgumentOutOfRangeException.ThrowIfNegative(padBottom);
        ArgumentOutOfRangeException.ThrowIfNegative(padRight);
        long oh = OutputSize(height, kernelHeight, strideHeight, dilationHeight, padTop, padBottom);
        long ow = OutputSize(width, kernelWidth, strideWidth, dilationWidth, padLeft, padRight);
        if (oh < 1 || ow < 1)
            throw new ArgumentException(
                $"a {kernelHeight}×{kernelWidth} kernel (dilation {dilationHeight}×{dilationWidth}) does not fit the " +
                $"padded {height}×{width} input (pads {padTop},{padLeft},{padBottom},{padRight})");
        if ((long)batch * height * width * channels > int.MaxValue || (long)batch * oh * ow * channels > int.MaxValue ||
            (long)kernelHeight * kernelWidth * channels > int.MaxValue / 2)
            throw new ArgumentException("tensor too large for a span of floats");
        Batch = batch; Height = height; Width = width; Channels = channels;
        KernelHeight = kernelHeight; KernelWidth = kernelWidth;
        StrideHeight = strideHeight; StrideWidth = strideWidth;
        DilationHeight = dilationHeight; DilationWidth = dilationWidth;
        PadTop = padTop; PadLeft = padLeft; PadBottom = padBottom; PadRight = padRight;
        OutputHeight = (int)oh;
        OutputWidth = (int)ow;
    }

    /// <summary>A square kernel with one stride, no dilation and the same pad on every side.</summary>
    public static DepthwiseConvShape Square(int batch, int height, int width, int channels, int kernel, int stride, int pad) =>
        new(batch, height, width, channels, kernel, kernel, stride, stride, 1, 1, pad, pad, pad, pad);

    /// <summary>
    /// A square kernel with TensorFlow's SAME padding: output ⌈size / stride⌉, the odd pad goes after (bottom, right).
    /// </summary>
    public static DepthwiseConvShape Same(int batch, int height, int width, int channels, int kernel, int stride)
    {
        static (int Before, int After) Pads(int size, int k, int s)
        {
            int output = (size + s - 1) / s;
            int total = Math.Max((output - 1) * s + k - size, 0);
            return (total / 2, total - total / 2);
        }
        var (top, bottom) = Pads(height, kernel, stride);
        var (left, right) = Pads(width, kernel, stride);
        return new(batch, height, width, channels, kernel, kernel, stride, stride, 1, 1, top, left, bottom, right);
    }

    /// <summary>N.</summary>
    public int Batch { get; }

    /// <summary>Input height H.</summary>
    public int Height { get; }

    /// <summary>Input width W.</summary>
    public int Width { get; }

    /// <summary>Channels C (input and output).</summary>
    public int Channels { get; }

    /// <summary>Kernel height KH.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel width KW.</summary>
    public int KernelWidth { get; }

    /// <summary>Vertical stride.</summary>
    public int StrideHeight { get; }

    /// <summary>Horizontal stride.</summary>
    public int StrideWidth { get; }

    /// <summary>Vertical dilation.</summary>
    public int DilationHeight { get; }

    /// <summary>Horizontal dilation.</summary>
    public int DilationWidth { get; }

    /// <summary>Implicit zero rows above the input.</summary>
    public int PadTop { get; }

    /// <summary>Implicit zero columns left of the input.</summary>
    public int PadLeft { get; }

    /// <summary>Implicit zero rows below the input.</summary>
    public int PadBottom { get; }

    /// <summary>Implicit zero columns right of the input.</summary>
    public int PadRight { get; }

    /// <summary>Output height OH.</summary>
    public int OutputHeight { get; }

    /// <summary>Output width OW.</summary>
    public int OutputWidth { get; }

    /// <summary>Input elements N·H·W·C.</summary>
    public int InputLength => Batch * Height * Width * Channels;

    /// <summary>Output elements N·OH·OW·C.</summary>
    public int OutputLength => Batch * OutputHeight * OutputWidth * Channels;

    /// <summary>Work units of <see cref="DepthwiseConvRange"/>: one per output row of each image, N·OH.</summary>
    public int RowCount => Batch * OutputHeight;

    /// <summary>Multiply-accumulates of the whole convolution, padding taps included (the usual convention).</summary>
    public long Macs => (long)OutputLength * KernelHeight * KernelWidth;

    /// <summary>
    /// First output column whose every kernel tap lies inside the input (columns before it are the left border).
    /// </summary>
    public int InteriorStart => Math.Min((PadLeft + StrideWidth - 1) / StrideWidth, OutputWidth);

    /// <summary>
    /// One past the last output column whose every kernel tap lies inside the input (columns from it on are the
    /// right border); equals <see cref="InteriorStart"/> when no column is interior.
    /// </summary>
    public int InteriorEnd
    {
        get
        {
            long last = (long)Width - 1 - (long)(KernelWidth - 1) * DilationWidth + PadLeft;
            int end = last < 0 ? 0 : (int)Math.Min(last / StrideWidth + 1, OutputWidth);
            return Math.Max(end, InteriorStart);
        }
    }

    private static long OutputSize(int size, int k, int s, int d, int before, int after)
    {
        long span = (long)size + before + after - ((long)(k - 1) * d + 1);
        return span < 0 ? 0 : span / s + 1;
    }

    /// <inheritdoc/>
    public bool Equals(DepthwiseConvShape other) =>
        Batch == other.Batch && Height == other.Height && Width == other.Width && Channels == other.Channels &&
        KernelHeight == other.KernelHeight && KernelWidth == other.KernelWidth &&
        StrideHeight == other.StrideHeight && StrideWidth == other.StrideWidth &&
        DilationHeight == other.DilationHeight && DilationWidth == other.DilationWidth &&
        PadTop == other.PadTop && PadLeft == other.PadLeft && PadBottom == other.PadBottom && PadRight == other.PadRight;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DepthwiseConvShape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Batch); h.Add(Height); h.Add(Width); h.Add(Channels); h.Add(KernelHeight); h.Add(KernelWidth);
        h.Add(StrideHeight); h.Add(StrideWidth); h.Add(DilationHeight); h.Add(DilationWidth);
        h.Add(PadTop); h.Add(PadLeft); h.Add(PadBottom); h.Add(PadRight);
        return h.ToHashCode();
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(DepthwiseConvShape left, DepthwiseConvShape right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DepthwiseConvShape left, DepthwiseConvShape right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() =>
        $"[{Batch},{Height},{Width},{Channels}] k{KernelHeight}x{KernelWidth} s{StrideHeight}x{StrideWidth} " +
        $"d{DilationHeight}x{DilationWidth} pads({PadTop},{PadLeft},{PadBottom},{PadRight}) → [{Batch},{OutputHeight},{OutputWidth},{Channels}]";
}
