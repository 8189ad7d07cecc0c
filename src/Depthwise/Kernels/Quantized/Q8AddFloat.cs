using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// ONNX Runtime's QLinearAdd (MLAS, the AVX2 kernel its x64 build runs): with ratios r_a = s_a/s_c, r_b = s_b/s_c and
/// the constant F = z_c − (r_a·z_a + r_b·z_b), c = round_half_even(fma(a, r_a, fma(b, r_b, F))) saturated; when one
/// input is a broadcast scalar it is folded into F first (F + b·r_b, not fused). Layout: flat bytes; int8 data is
/// read through the unsigned flip of <see cref="IQ8ElementwiseLanes{TI, TF}"/> and converted back to its signed value, since the
/// float arithmetic must see the true values. The vector paths are lane for lane the scalar formula.
/// </summary>
internal readonly unsafe struct Q8AddFloat : IQ8BinaryKernel
{
    private readonly Q8Isa _isa;
    private readonly byte _flip;
    private readonly int _offset, _min, _max;
    private readonly float _ratioA, _ratioB, _fixed;

    private Q8AddFloat(Q8Isa isa, DataType type, float ratioA, float ratioB, float fixedTerm, int min, int max)
    {
        _isa = isa;
        _flip = type == DataType.Int8 ? (byte)0x80 : (byte)0;
        _offset = type == DataType.Int8 ? 128 : 0;
        _ratioA = ratioA; _ratioB = ratioB; _fixed = fixedTerm;
        _min = min; _max = max;
    }

    /// <summary>
    /// The kernel for per-tensor quantized inputs and output of storage type <paramref name="type"/> (UInt8 or Int8),
    /// clamping to [<paramref name="min"/>, <paramref name="max"/>] (the type's range, or tighter for a fused activation).
    /// </summary>
    public static Q8AddFloat Create(QuantParams a, QuantParams b, QuantParams y, DataType type, bool subtract, int min, int max, Q8Isa isa)
    {
        float ra = a.Scales[0] / y.Scales[0], rb = b.Scales[0] / y.Scales[0];
        if (subtract) rb = -rb;
        float fixedTerm = (float)y.ZeroPoints[0] - (ra * a.ZeroPoints[0] + rb * b.ZeroPoints[0]);
        return new Q8AddFloat(isa, type, ra, rb, fixedTerm, min, max);
    }

    private int Value(byte q) => (q ^ _flip) - _offset;

    private byte Store(int r) => (byte)((Math.Clamp(r, _min, _max) + _offset) ^ _flip);

    /// <inheritdoc />
    public byte Invoke(byte a, byte b) =>
        Store(Q8ElementwiseLanesScalar.RoundToEven(MathF.FusedMultiplyAdd(Value(a), _ratioA, MathF.FusedMultiplyAdd(Value(b), _ratioB, _fixed))));

    /// <inheritdoc />
    public void Both(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> y) => Run(a, b, y, _ratioA, _ratioB, _fixed, true);

    /// <inheritdoc />
    public void ScalarA(byte a, ReadOnlySpan<byte> b, Span<byte> y) => Run(b, b, y, _ratioB, 0, _fixed + Value(a) * _ratioA, false);

    /// <inheritdoc />
    public void ScalarB(ReadOnlySpan<byte> a, byte b, Span<byte> y) => Run(a, a, y, _ratioA, 0, _fixed + Value(b) * _ratioB, false);

    /// <summary>y = fma(x, rx, fma(other, ro, F)) when <paramref name="both"/>, else fma(x, rx, F).</summary>
    private void Run(ReadOnlySpan<byte> x, ReadOnlySpan<byte> other, Span<byte> y, float rx, float ro, float f, bool both)
    {
        int n = y.Length;
        if (x.Length < n || other.Length < n) throw new ArgumentException("inputs are shorter than the output");
        fixed (byte* px = x, po = other, py = y)
        {
            if (_isa == Q8Isa.V512 && n >= Q8ElementwiseLanes512.ByteCount) Lanes<Q8ElementwiseLanes512, Vector512<int>, Vector512<float>>(px, po, py, n, rx, ro, f, both);
            else if (_isa >= Q8Isa.V256 && n >= Q8ElementwiseLanes256.ByteCount) Lanes<Q8ElementwiseLanes256, Vector256<int>, Vector256<float>>(px, po, py, n, rx, ro, f, both);
            else if (_isa >= Q8Isa.V128 && n >= Q8ElementwiseLanes128.ByteCount) Lanes<Q8ElementwiseLanes128, Vector128<int>, Vector128<float>>(px, po, py, n, rx, ro, f, both);
            else if (n >= Q8ElementwiseLanesScalar.ByteCount) Lanes<Q8ElementwiseLanesScalar, int, float>(px, po, py, n, rx, ro, f, both);
            else
            {
                for (int i = 0; i < n; i++)
                {
                    float inner = both ? MathF.FusedMultiplyAdd(Value(po[i]), ro, f) : f;
                    py[i] = Store(Q8ElementwiseLanesScalar.RoundToEven(MathF.FusedMultiplyAdd(Value(px[i]), rx, inner)));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Lanes<TL, TI, TF>(byte* x, byte* other, byte* y, int n, float rx, float ro, float f, bool both)
        where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        TF vrx = TL.SplatF(rx), vro = TL.SplatF(ro), vf = TL.SplatF(f);
        TI offset = TL.Splat(_offset), min = TL.Splat(_min + _offset), max = TL.Splat(_max + _offset);
        int w = TL.ByteCount;
        // Whole steps, then the last step ending at n (it may overlap the one before: the output never aliases an input).
        for (int i = 0, last = n - w; ; i = Math.Min(i + w, last))
        {
            TL.LoadWidened(x + i, _flip, out var x0, out var x1, out var x2, out var x3);
            TF f0 = vf, f1 = vf, f2 = vf, f3 = vf;
            if (both)
            {
                TL.LoadWidened(other + i, _flip, out var b0, out var b1, out var b2, out var b3);
                f0 = TL.FusedMultiplyAdd(TL.ToFloat(TL.Subtract(b0, offset)), vro, vf);
                f1 = TL.FusedMultiplyAdd(TL.ToFloat(TL.Subtract(b1, offset)), vro, vf);
                f2 = TL.FusedMultiplyAdd(TL.ToFloat(TL.Subtract(b2, offset)), vro, vf);
                f3 = TL.FusedMultiplyAdd(TL.ToFloat(TL.Subtract(b3, offset)), vro, vf);
            }
            TL.StoreNarrowed(y + i, _flip,
                Finish<TL, TI, TF>(x0, vrx, f0, offset, min, max), Finish<TL, TI, TF>(x1, vrx, f1, offset, min, max),
                Finish<TL, TI, TF>(x2, vrx, f2, offset, min, max), Finish<TL, TI, TF>(x3, vrx, f3, offset, min, max));
            if (i == last) break;
        }
    }

    /// <summary>round(fma(x − offset, rx, f)) moved back to the unsigned domain and clamped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TI Finish<TL, TI, TF>(TI x, TF rx, TF f, TI offset, TI min, TI max)
        where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        var r = TL.RoundToEven(TL.FusedMultiplyAdd(TL.ToFloat(TL.Subtract(x, offset)), rx, f));
        return TL.Min(TL.Max(TL.Add(r, offset), min), max);
    }
}
