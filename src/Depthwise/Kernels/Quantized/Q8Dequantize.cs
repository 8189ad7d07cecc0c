using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// 8-bit → float32 dequantization of a contiguous run with one scale and zero point: x = (float)(q − z) · s, as ONNX
/// Runtime and TFLite compute it (the integer difference is exact in float, so one rounding: the product). Vector paths
/// widen a byte vector to four int vectors, lane for lane the scalar formula.
/// </summary>
internal readonly unsafe struct Q8Dequantize
{
    private readonly Q8Isa _isa;
    private readonly byte _flip;
    private readonly float _scale;
    private readonly int _zeroUnsigned;

    /// <summary>A dequantizer from <paramref name="type"/> (UInt8 or Int8) with scale <paramref name="scale"/> and zero point <paramref name="zeroPoint"/>.</summary>
    public Q8Dequantize(float scale, int zeroPoint, DataType type, Q8Isa isa)
    {
        int offset = type == DataType.Int8 ? 128 : 0;
        _isa = isa;
        _flip = type == DataType.Int8 ? (byte)0x80 : (byte)0;
        _scale = scale;
        _zeroUnsigned = zeroPoint + offset;
    }

    /// <summary>One value from its stored bits (the scalar reference).</summary>
    public float Invoke(byte q) => ((q ^ _flip) - _zeroUnsigned) * _scale;

    /// <summary>y[i] = dequantize(x[i]) for i &lt; y.Length.</summary>
    public void Run(ReadOnlySpan<byte> x, Span<float> y)
    {
        int n = y.Length;
        if (x.Length < n) throw new ArgumentException("input is shorter than the output");
        fixed (byte* px = x)
        fixed (float* py = y)
        {
            if (_isa == Q8Isa.V512 && n >= Q8ElementwiseLanes512.ByteCount) Lanes<Q8ElementwiseLanes512, Vector512<int>, Vector512<float>>(px, py, n);
            else if (_isa >= Q8Isa.V256 && n >= Q8ElementwiseLanes256.ByteCount) Lanes<Q8ElementwiseLanes256, Vector256<int>, Vector256<float>>(px, py, n);
            else if (_isa >= Q8Isa.V128 && n >= Q8ElementwiseLanes128.ByteCount) Lanes<Q8ElementwiseLanes128, Vector128<int>, Vector128<float>>(px, py, n);
            else for (int i = 0; i < n; i++) py[i] = Invoke(px[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Lanes<TL, TI, TF>(byte* x, float* y, int n) where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        TF scale = TL.SplatF(_scale);
        TI zero = TL.Splat(_zeroUnsigned);
        int w = TL.ByteCount, c = TL.Count;
        for (int i = 0, last = n - w; ; i = Math.Min(i + w, last))
        {
            TL.LoadWidened(x + i, _flip, out var x0, out var x1, out var x2, out var x3);
            TL.StoreF(y + i, TL.MultiplyF(TL.ToFloat(TL.Subtract(x0, zero)), scale));
            TL.StoreF(y + i + c, TL.MultiplyF(TL.ToFloat(TL.Subtract(x1, zero)), scale));
            TL.StoreF(y + i + 2 * c, TL.MultiplyF(TL.ToFloat(TL.Subtract(x2, zero)), scale));
            TL.StoreF(y + i + 3 * c, TL.MultiplyF(TL.ToFloat(TL.Subtract(x3, zero)), scale));
            if (i == last) break;
        }
    }
}
