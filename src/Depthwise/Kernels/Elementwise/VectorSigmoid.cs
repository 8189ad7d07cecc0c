using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// The one float32 logistic function <c>sigmoid(x) = 1 / (1 + e^−x)</c> behind the Sigmoid operator, the fused
/// Sigmoid/SiLU conv epilogue and the squeeze-and-excitation gate, for one float and for 128/256/512-bit lanes with
/// the same arithmetic in every width (so a fused result equals the separate operator's bit for bit).
/// </summary>
/// <remarks>
/// <c>sigmoid(x) = 1 / (1 + e^−c)</c> with <c>c = min(max(x, −88), 87.3)</c>, so e^−c stays a finite normal float and no
/// special case is needed. e^−c is 2^m · e^−r with <c>m = round(−c·log2 e)</c> (rounded by adding 1.5·2^23 + 127,
/// whose low bits then hold 127 + m, shifted straight into the exponent field of 2^m) and <c>r = c + m·ln 2</c>
/// (|r| ≤ ln2/2, two-step Cody–Waite), e^−r a degree-6 polynomial (Chebyshev fit, relative error 1.0e-8 in exact
/// arithmetic), then one division. The clamp is written max(−88, x) then min(87.3, ·) with the constant first, so the
/// x86 min/max instructions pass a NaN x through (they return their second operand when either is NaN) and NaN gives
/// NaN without a final select; the scalar form's MathF.Min/Max propagate NaN too. Multiply-adds are fused when the
/// processor has FMA (x86 FMA3, Arm AdvSimd) in the scalar form and in every vector width alike, otherwise they round
/// twice everywhere: one definition per instruction set. Measured against double precision over a dense sweep (every
/// 97th float in [−88, 87.3], see VectorSigmoidTests): at most 2.43 ulp for sigmoid and 2.55 ulp for x · sigmoid(x)
/// (the earlier VectorExp-then-divide form: 2.43 ulp for sigmoid). Below x = −88 the result stays
/// 1/(1 + e^88) ≈ 6.1e-39 instead of the true smaller (denormal or zero) value: an absolute error under 6.1e-39.
/// sigmoid(±0) = 0.5 exactly, sigmoid(+∞) = 1.
/// </remarks>
public static class VectorSigmoid
{
    /// <summary>Smallest x used: e^88 ≈ 1.65e38 is still finite (m ≤ 127).</summary>
    private const float MinX = -88f;
    /// <summary>Largest x used: e^−87.3 ≈ 1.2e-38 is still a normal float (m ≥ −126).</summary>
    private const float MaxX = 87.3f;
    private const float Log2E = 1.44269504088896341f;
    /// <summary>1.5·2^23 + 127: adding it rounds to an integer and leaves 127 − m in the low mantissa bits.</summary>
    private const float Magic = 12583039f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    // e^−r ≈ 1 − r + C2 r² + C3 r³ + … + C6 r⁶ on |r| ≤ 0.3466.
    private const float C2 = 0.5f;
    private const float C3 = -0.16666505f;
    private const float C4 = 0.041666467f;
    private const float C5 = -0.008369154f;
    private const float C6 = 0.0013933647f;

    /// <summary>True when multiply-adds are fused (one rounding) in every path of this process.</summary>
    public static bool FusesMultiplyAdd => Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>sigmoid(x) for one float with exactly the vector lanes' arithmetic (scalar tails stay bit-identical).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x)
    {
        float a = MathF.Min(MathF.Max(x, MinX), MaxX);
        float k = Mad(a, -Log2E, Magic);
        float n = k - Magic;
        float r = Mad(n, Ln2Hi, a);
        r = Mad(n, Ln2Lo, r);
        float p = Mad(C6, r, C5);
        p = Mad(p, r, C4);
        p = Mad(p, r, C3);
        p = Mad(p, r, C2);
        p = Mad(p, r, -1f);
        p = Mad(p, r, 1f);
        float z = p * BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(k) << 23);
        return 1f / (1f + z);
    }

    /// <summary>sigmoid for 128 bits of float32 lanes (see the type's remarks for range and accuracy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x)
    {
        var a = Vector128.MinNative(Vector128.Create(MaxX), Vector128.MaxNative(Vector128.Create(MinX), x));
        var k = Mad(a, Vector128.Create(-Log2E), Vector128.Create(Magic));
        var n = k - Vector128.Create(Magic);
        var r = Mad(n, Vector128.Create(Ln2Hi), a);
        r = Mad(n, Vector128.Create(Ln2Lo), r);
        var p = Mad(Vector128.Create(C6), r, Vector128.Create(C5));
        p = Mad(p, r, Vector128.Create(C4));
        p = Mad(p, r, Vector128.Create(C3));
        p = Mad(p, r, Vector128.Create(C2));
        p = Mad(p, r, Vector128.Create(-1f));
        p = Mad(p, r, Vector128<float>.One);
        var z = p * (k.AsInt32() << 23).AsSingle();
        return Vector128<float>.One / (Vector128<float>.One + z);
    }

    /// <summary>sigmoid for 256 bits of float32 lanes (see the type's remarks for range and accuracy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        var a = Vector256.MinNative(Vector256.Create(MaxX), Vector256.MaxNative(Vector256.Create(MinX), x));
        var k = Mad(a, Vector256.Create(-Log2E), Vector256.Create(Magic));
        var n = k - Vector256.Create(Magic);
        var r = Mad(n, Vector256.Create(Ln2Hi), a);
        r = Mad(n, Vector256.Create(Ln2Lo), r);
        var p = Mad(Vector256.Create(C6), r, Vector256.Create(C5));
        p = Mad(p, r, Vector256.Create(C4));
        p = Mad(p, r, Vector256.Create(C3));
        p = Mad(p, r, Vector256.Create(C2));
        p = Mad(p, r, Vector256.Create(-1f));
        p = Mad(p, r, Vector256<float>.One);
        var z = p * (k.AsInt32() << 23).AsSingle();
        return Vector256<float>.One / (Vector256<float>.One + z);
    }

    /// <summary>sigmoid for 512 bits of float32 lanes (see the type's remarks for range and accuracy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x)
    {
        var a = Vector512.MinNative(Vector512.Create(MaxX), Vector512.MaxNative(Vector512.Create(MinX), x));
        var k = Mad(a, Vector512.Create(-Log2E), Vector512.Create(Magic));
        var n = k - Vector512.Create(Magic);
        var r = Mad(n, Vector512.Create(Ln2Hi), a);
        r = Mad(n, Vector512.Create(Ln2Lo), r);
        var p = Mad(Vector512.Create(C6), r, Vector512.Create(C5));
        p = Mad(p, r, Vector512.Create(C4));
        p = Mad(p, r, Vector512.Create(C3));
        p = Mad(p, r, Vector512.Create(C2));
        p = Mad(p, r, Vector512.Create(-1f));
        p = Mad(p, r, Vector512<float>.One);
        var z = p * (k.AsInt32() << 23).AsSingle();
        return Vector512<float>.One / (Vector512<float>.One + z);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Mad(float a, float b, float c) => FusesMultiplyAdd ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Mad(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        FusesMultiplyAdd ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Mad(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        FusesMultiplyAdd ? Vector256.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Mad(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        FusesMultiplyAdd ? Vector512.FusedMultiplyAdd(a, b, c) : a * b + c;
}
