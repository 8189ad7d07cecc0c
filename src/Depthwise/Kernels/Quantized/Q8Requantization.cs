using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// How the int32 accumulators of a quantized convolution or GEMM become 8-bit outputs, per output channel, computed
/// once when a plan is compiled. <see cref="RequantizeMode.TfLiteFixedPoint"/>: a Q31 multiplier and a shift per
/// channel, <c>y = clamp(MultiplyByQuantizedMultiplier(acc, M, shift) + zy)</c> as TFLite. <see cref="RequantizeMode.FloatRoundHalfEven"/>:
/// a float scale per channel, <c>y = clamp(round_half_even(clamp((float)acc · scale)) + zy)</c> as ONNX Runtime's MLAS.
/// <see cref="Apply"/> is the scalar definition; the vector kernels read the same per-channel tables (pinned,
/// 64-byte aligned, padded with zeros past <see cref="Channels"/> so a kernel may load a whole vector at the last
/// channel block) and are tested bit for bit against it.
/// </summary>
public sealed unsafe class Q8Requantization
{
    /// <summary>Entries past the last channel in every table, so a vector load at any channel below Channels stays inside.</summary>
    private const int Padding = 64;

    private readonly int[] _table; // pinned: Multiplier, LeftShift, RightShift, RemainderMask, RemainderThreshold, Scale (as bits)
    private readonly int _offset;
    private readonly int _stride;

    private Q8Requantization(RequantizeMode mode, int channels, int zeroPoint, int min, int max)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "at least one channel");
        if (min > max) throw new ArgumentException($"empty output range [{min}, {max}]", nameof(min));
        Mode = mode;
        Channels = channels;
        ZeroPoint = zeroPoint;
        Min = min;
        Max = max;
        _stride = (channels + Padding + 15) & ~15;
        _table = GC.AllocateArray<int>(6 * _stride + 16, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_table));
        _offset = (int)((64 - (address & 63)) & 63) / sizeof(int);
    }

    /// <summary>Which arithmetic the tables hold.</summary>
    public RequantizeMode Mode { get; }

    /// <summary>Number of output channels.</summary>
    public int Channels { get; }

    /// <summary>The output zero point zy.</summary>
    public int ZeroPoint { get; }

    /// <summary>Smallest output value (the activation's lower bound intersected with the storage type's range).</summary>
    public int Min { get; }

    /// <summary>Largest output value.</summary>
    public int Max { get; }

    /// <summary>
    /// TFLite's requantization with one real multiplier per channel (one value broadcasts to every channel).
    /// </summary>
    public static Q8Requantization FixedPoint(ReadOnlySpan<double> realMultipliers, int channels, int zeroPoint, int min, int max)
    {
        CheckCount(realMultipliers.Length, channels, nameof(realMultipliers));
        var q = new Q8Requantization(RequantizeMode.TfLiteFixedPoint, channels, zeroPoint, min, max);
        for (int c = 0; c < channels; c++)
        {
            double real = realMultipliers[realMultipliers.Length == 1 ? 0 : c];
            var (m, shift) = Quantized.FixedPoint.QuantizeMultiplier(real);
            int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
            if (right > 31) (m, left, right) = (0, 0, 0); // QuantizeMultiplier flushes these to 0 already; keep the shift in range
            int mask = (int)((1L << right) - 1);
            q.Row(0)[c] = m;
            q.Row(1)[c] = left;
            q.Row(2)[c] = right;
            q.Row(3)[c] = mask;
            q.Row(4)[c] = mask >> 1;
        }
        return q;
    }

    /// <summary>ONNX Runtime's requantization with one float scale per channel (one value broadcasts to every channel).</summary>
    public static Q8Requantization RoundHalfEven(ReadOnlySpan<float> scales, int channels, int zeroPoint, int min, int max)
    {
        CheckCount(scales.Length, channels, nameof(scales));
        var q = new Q8Requantization(RequantizeMode.FloatRoundHalfEven, channels, zeroPoint, min, max);
        for (int c = 0; c < channels; c++)
        {
            float s = scales[scales.Length == 1 ? 0 : c];
            if (!float.IsFinite(s) || s < 0) throw new ArgumentOutOfRangeException(nameof(scales), s, "a requantization scale must be finite and non-negative");
            q.Row(5)[c] = BitConverter.SingleToInt32Bits(s);
        }
        return q;
    }

    /// <summary>
    /// The requantization of a quantized convolution or GEMM output: per output channel, the real multiplier
    /// sx·sw[c]/sy computed the way the runtime that defines <paramref name="mode"/> computes it, and the clamp of the fused
    /// activation in the output's quantized domain.
    /// TFLite (<see cref="RequantizeMode.TfLiteFixedPoint"/>): with <paramref name="floatProduct"/> (TFLite's per-tensor
    /// path, <c>GetQuantizedConvolutionMultipler</c>: uint8 convolutions and every per-tensor FULLY_CONNECTED) the
    /// product sx·sw is rounded to float before it becomes a double; otherwise (the per-channel path of
    /// <c>PopulateConvolutionQuantizationParams</c>) all three are doubles. ONNX Runtime
    /// (<see cref="RequantizeMode.FloatRoundHalfEven"/>): <c>sx · sw[c] / sy</c> in float.
    /// </summary>
    /// <param name="mode">Which runtime's arithmetic.</param>
    /// <param name="inputScale">sx.</param>
    /// <param name="weightScales">sw: one (per-tensor) or one per output channel.</param>
    /// <param name="outputScale">sy.</param>
    /// <param name="outputZeroPoint">zy.</param>
    /// <param name="channels">Output channels.</param>
    /// <param name="floatProduct">TFLite only: round sx·sw to float first (see above).</param>
    /// <param name="activationMin">Lower bound of the output in its quantized domain (from <see cref="QuantizedActivationRange"/>).</param>
    /// <param name="activationMax">Upper bound.</param>
    public static Q8Requantization ForProduct(RequantizeMode mode, float inputScale, ReadOnlySpan<float> weightScales, float outputScale,
        int outputZeroPoint, int channels, bool floatProduct, int activationMin, int activationMax)
    {
        CheckCount(weightScales.Length, channels, nameof(weightScales));
        if (mode == RequantizeMode.FloatRoundHalfEven)
        {
            var scales = new float[weightScales.Length];
            for (int c = 0; c < scales.Length; c++) scales[c] = inputScale * weightScales[c] / outputScale;
            return RoundHalfEven(scales, channels, outputZeroPoint, activationMin, activationMax);
        }
        var reals = new double[weightScales.Length];
        for (int c = 0; c < reals.Length; c++)
            reals[c] = floatProduct
                ? (double)(inputScale * weightScales[c]) / outputScale
                : (double)inputScale * weightScales[c] / outputScale;
        return FixedPoint(reals, channels, outputZeroPoint, activationMin, activationMax);
    }

    /// <summary>The output value of accumulator <paramref name="acc"/> (bias included) of channel <paramref name="channel"/>: the scalar definition.</summary>
    public int Apply(int acc, int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
        int y;
        if (Mode == RequantizeMode.TfLiteFixedPoint)
        {
            int left = Row(1)[channel], right = Row(2)[channel];
            y = unchecked(Quantized.FixedPoint.MultiplyByQuantizedMultiplier(acc, Row(0)[channel], left - right) + ZeroPoint);
        }
        else
        {
            float v = acc * BitConverter.Int32BitsToSingle(Row(5)[channel]);
            v = Math.Clamp(v, (float)(Min - ZeroPoint), (float)(Max - ZeroPoint));
            y = (int)MathF.Round(v, MidpointRounding.ToEven) + ZeroPoint;
        }
        return Math.Clamp(y, Min, Max);
    }

    /// <summary>The Q31 multiplier of channel <paramref name="channel"/> (fixed point).</summary>
    public int Multiplier(int channel) => Row(0)[channel];

    /// <summary>The shift of channel <paramref name="channel"/> as TFLite stores it (positive: left).</summary>
    public int Shift(int channel) => Row(1)[channel] - Row(2)[channel];

    /// <summary>The float scale of channel <paramref name="channel"/> (round half even).</summary>
    public float Scale(int channel) => BitConverter.Int32BitsToSingle(Row(5)[channel]);

    /// <summary>Pointers to the tables for the vector kernels; valid for this object's lifetime (the table is pinned).</summary>
    internal Q8RequantArgs Args => new()
    {
        Multiplier = Pointer(0), LeftShift = Pointer(1), RightShift = Pointer(2), RemainderMask = Pointer(3),
        RemainderThreshold = Pointer(4), Scale = (float*)Pointer(5),
        ZeroPoint = ZeroPoint, Min = Min, Max = Max, MinF = Min - ZeroPoint, MaxF = Max - ZeroPoint,
    };

    private Span<int> Row(int i) => _table.AsSpan(_offset + i * _stride, _stride);

    private int* Pointer(int i) => (int*)Unsafe.AsPointer(ref _table[_offset + i * _stride]);

    private static void CheckCount(int count, int channels, string name)
    {
        if (count != 1 && count != channels)
            throw new ArgumentException($"{count} values for {channels} channels; expected 1 or {channels}", name);
    }

    /// <summary>The storage range of an 8-bit quantized type: [0, 255] or [−128, 127].</summary>
    public static (int Min, int Max) TypeRange(DataType type) => type switch
    {
        DataType.UInt8 => (0, 255),
        DataType.Int8 => (-128, 127),
        _ => throw new ArgumentException($"8-bit quantized data is uint8 or int8, not {type}", nameof(type)),
    };
}
