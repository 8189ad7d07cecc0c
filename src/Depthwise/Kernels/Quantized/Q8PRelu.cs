using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// 8-bit quantized PReLU, scalar, as TFLite's PRELU kernel (reference_ops::BroadcastPrelu4DSlow) computes it: with
/// x' = x − z_x, y = z_y + (x' ≥ 0 ? MultiplyByQuantizedMultiplier(x', M₁) : MultiplyByQuantizedMultiplier(x'·(α − z_α), M₂)),
/// saturated to the type, where M₁ is the multiplier of s_x/s_y and M₂ that of s_x·s_α/s_y (each computed in float, as
/// TFLite's Prepare does, then quantized to 31 bits). A = the data, B = α.
/// </summary>
internal readonly struct Q8PRelu : IQ8BinaryKernel
{
    private readonly byte _flip;
    private readonly int _offset, _zeroX, _zeroAlpha, _zeroOut, _min, _max, _positive, _positiveShift, _negative, _negativeShift;

    private Q8PRelu(DataType type, int zeroX, int zeroAlpha, int zeroOut, (int M, int S) positive, (int M, int S) negative)
    {
        _flip = type == DataType.Int8 ? (byte)0x80 : (byte)0;
        _offset = type == DataType.Int8 ? 128 : 0;
        (_min, _max) = type == DataType.Int8 ? (-128, 127) : (0, 255);
        _zeroX = zeroX; _zeroAlpha = zeroAlpha; _zeroOut = zeroOut;
        (_positive, _positiveShift) = positive;
        (_negative, _negativeShift) = negative;
    }

    /// <summary>The kernel for per-tensor data <paramref name="x"/>, slope <paramref name="alpha"/> and output <paramref name="y"/>.</summary>
    public static Q8PRelu Create(QuantParams x, QuantParams alpha, QuantParams y, DataType type)
    {
        float positive = x.Scales[0] / y.Scales[0];
        float negative = x.Scales[0] * alpha.Scales[0] / y.Scales[0];
        return new Q8PRelu(type, (int)x.ZeroPoints[0], (int)alpha.ZeroPoints[0], (int)y.ZeroPoints[0],
            FixedPoint.QuantizeMultiplier(positive), FixedPoint.QuantizeMultiplier(negative));
    }

    /// <inheritdoc />
    public byte Invoke(byte a, byte b)
    {
        int x = (a ^ _flip) - _offset - _zeroX;
        int r = x >= 0
            ? FixedPoint.MultiplyByQuantizedMultiplier(x, _positive, _positiveShift)
            : FixedPoint.MultiplyByQuantizedMultiplier(x * ((b ^ _flip) - _offset - _zeroAlpha), _negative, _negativeShift);
        return (byte)((Math.Clamp(r + _zeroOut, _min, _max) + _offset) ^ _flip);
    }

    /// <inheritdoc />
    public void Both(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> y) => Q8ElementLoops.Both(this, a, b, y);

    /// <inheritdoc />
    public void ScalarA(byte a, ReadOnlySpan<byte> b, Span<byte> y) => Q8ElementLoops.ScalarA(this, a, b, y);

    /// <inheritdoc />
    public void ScalarB(ReadOnlySpan<byte> a, byte b, Span<byte> y) => Q8ElementLoops.ScalarB(this, a, b, y);
}
