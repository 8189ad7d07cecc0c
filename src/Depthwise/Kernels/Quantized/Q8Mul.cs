using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// 8-bit quantized multiply, scalar. TFLite (MulElementwise): (a − z_a)·(b − z_b) rescaled by the multiplier of
/// s_a·s_b/s_c (computed in float, as TFLite's Prepare does) with <see cref="FixedPoint.MultiplyByQuantizedMultiplier"/>,
/// offset and clamped. ONNX Runtime (MLAS QLinearMul): round_half_even((a − z_a)·(b − z_b)·r + z_c) with r = s_a·s_b/s_c in
/// float, saturated. Not on a hot path of the target models, so plain loops.
/// </summary>
internal readonly struct Q8Mul : IQ8BinaryKernel
{
    private readonly bool _float;
    private readonly byte _flip;
    private readonly int _offset, _zeroA, _zeroB, _zeroOut, _min, _max, _multiplier, _shift;
    private readonly float _ratio;

    private Q8Mul(bool useFloat, DataType type, int zeroA, int zeroB, int zeroOut, int min, int max, int multiplier, int shift, float ratio)
    {
        _float = useFloat;
        _flip = type == DataType.Int8 ? (byte)0x80 : (byte)0;
        _offset = type == DataType.Int8 ? 128 : 0;
        _zeroA = zeroA; _zeroB = zeroB; _zeroOut = zeroOut; _min = min; _max = max;
        _multiplier = multiplier; _shift = shift; _ratio = ratio;
    }

    /// <summary>The kernel for per-tensor inputs and output, clamping to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Q8Mul Create(QuantParams a, QuantParams b, QuantParams y, DataType type, int min, int max, RequantizeMode mode)
    {
        float real = a.Scales[0] * b.Scales[0] / y.Scales[0];
        var (m, s) = mode == RequantizeMode.TfLiteFixedPoint ? FixedPoint.QuantizeMultiplier(real) : (0, 0);
        return new Q8Mul(mode == RequantizeMode.FloatRoundHalfEven, type, (int)a.ZeroPoints[0], (int)b.ZeroPoints[0], (int)y.ZeroPoints[0],
            min, max, m, s, real);
    }

    /// <inheritdoc />
    public byte Invoke(byte a, byte b)
    {
        int prod = ((a ^ _flip) - _offset - _zeroA) * ((b ^ _flip) - _offset - _zeroB);
        int r = _float
            ? Q8ElementwiseLanesScalar.RoundToEven(prod * _ratio + _zeroOut)
            : FixedPoint.MultiplyByQuantizedMultiplier(prod, _multiplier, _shift) + _zeroOut;
        return (byte)((Math.Clamp(r, _min, _max) + _offset) ^ _flip);
    }

    /// <inheritdoc />
    public void Both(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> y) => Q8ElementLoops.Both(this, a, b, y);

    /// <inheritdoc />
    public void ScalarA(byte a, ReadOnlySpan<byte> b, Span<byte> y) => Q8ElementLoops.ScalarA(this, a, b, y);

    /// <inheritdoc />
    public void ScalarB(ReadOnlySpan<byte> a, byte b, Span<byte> y) => Q8ElementLoops.ScalarB(this, a, b, y);
}
