using System.Runtime.Intrinsics;

namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// Vectorized float32 e^x for the elementwise operators: Cody–Waite reduction x = n·ln2 + r (|r| ≤ ln2/2), a degree-6
/// polynomial for e^r (Cephes expf coefficients), then scaling by 2^n built in the exponent bits. Relative error is
/// within ~2 ulp for x in [−86, 88.7]; above ~88.72 the result is +inf; below −86.6 it is a tiny normal number instead
/// of a denormal or 0 (harmless for sigmoid-style uses). NaN gives NaN. Only plain multiplies and adds are used, so
/// every ISA gives the same bits.
/// </summary>
public static class VectorExp
{
    private const float MinInput = -86.6f;
    private const float MaxInput = 89f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float P0 = 1.9875691500E-4f;
    private const float P1 = 1.3981999507E-3f;
    private const float P2 = 8.3334519073E-3f;
    private const float P3 = 4.1665795894E-2f;
    private const float P4 = 1.6666665459E-1f;
    private const float P5 = 5.0000001201E-1f;

    /// <summary>e^x for one float with exactly the vector lanes' arithmetic (scalar tails and epilogues stay bit-identical).</summary>
    public static float Exp(float x)
    {
        if (float.IsNaN(x)) return x;
        float xc = Math.Min(Math.Max(x, MinInput), MaxInput);
        float n = MathF.Floor(xc * Log2E + 0.5f);
        float r = xc - n * Ln2Hi - n * Ln2Lo;
        float p = P0;
        p = p * r + P1;
        p = p * r + P2;
        p = p * r + P3;
        p = p * r + P4;
        p = p * r + P5;
        float y = p * (r * r) + r + 1f;
        float scale = BitConverter.Int32BitsToSingle(((int)n + 126) << 23);
        return y * scale * 2f;
    }

    /// <summary>e^x for 128 bits of float32 lanes (see the type's remarks for range and accuracy).</summary>
    public static Vector128<float> Exp(Vector128<float> x)
    {
        // Clamp so 2^(n-1) below is a normal float; +inf for x above ~88.72 comes from the final multiply overflowing.
        var xc = Vector128.Min(Vector128.Max(x, Vector128.Create(MinInput)), Vector128.Create(MaxInput));
        var n = Vector128.Floor(xc * Vector128.Create(Log2E) + Vector128.Create(0.5f));
        var r = xc - n * Vector128.Create(Ln2Hi) - n * Vector128.Create(Ln2Lo);
        var p = Vector128.Create(P0);
        p = p * r + Vector128.Create(P1);
        p = p * r + Vector128.Create(P2);
        p = p * r + Vector128.Create(P3);
        p = p * r + Vector128.Create(P4);
        p = p * r + Vector128.Create(P5);
        var y = p * (r * r) + r + Vector128.Create(1f);
        var scale = (Vector128.ConvertToInt32(n) + Vector128.Create(126)).AsInt32() << 23;
        var result = y * scale.AsSingle() * Vector128.Create(2f);
        // NaN in, NaN out (the clamp may have dropped it).
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), result, x);
    }

    /// <summary>e^x for 256 bits of float32 lanes (see the type's remarks for range and accuracy).</summary>
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // Clamp so 2^(n-1) below is a normal float; +inf for x above ~88.72 comes from the final multiply overflowing.
        var xc = Vector256.Min(Vector256.Max(x, Vector256.Create(MinInput)), Vector256.Create(MaxInput));
        var n = Vector256.Floor(xc * Vector256.Create(Log2E) + Vector256.Create(0.5f));
        var r = xc - n * Vector256.Create(Ln2Hi) - n * Vector256.Create(Ln2Lo);
        var p = Vector256.Create(P0);
        p = p * r + Vector256.Create(P1);
        p = p * r + Vector256.Create(P2);
        p = p * r + Vector256.Create(P3);
        p = p * r + Vector256.Create(P4);
        p = p * r + Vector256.Create(P5);
        var y = p * (r * r) + r + Vector256.Create(1f);
        var scale = (Vector256.ConvertToInt32(n) + Vector256.Create(126)).AsInt32() << 23;
        var result = y * scale.AsSingle() * Vector256.Create(2f);
        // NaN in, NaN out (the clamp may have dropped it).
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    /// <summary>e^x for 512 bits of float32 lanes (see the type's remarks for range and accuracy).</summary>
    public static Vector512<float> Exp(Vector512<float> x)
    {
        // Clamp so 2^(n-1) below is a normal float; +inf for x above ~88.72 comes from the final multiply overflowing.
        var xc = Vector512.Min(Vector512.Max(x, Vector512.Create(MinInput)), Vector512.Create(MaxInput));
        var n = Vector512.Floor(xc * Vector512.Create(Log2E) + Vector512.Create(0.5f));
        var r = xc - n * Vector512.Create(Ln2Hi) - n * Vector512.Create(Ln2Lo);
        var p = Vector512.Create(P0);
        p = p * r + Vector512.Create(P1);
        p = p * r + Vector512.Create(P2);
        p = p * r + Vector512.Create(P3);
        p = p * r + Vector512.Create(P4);
        p = p * r + Vector512.Create(P5);
        var y = p * (r * r) + r + Vector512.Create(1f);
        var scale = (Vector512.ConvertToInt32(n) + Vector512.Create(126)).AsInt32() << 23;
        var result = y * scale.AsSingle() * Vector512.Create(2f);
        // NaN in, NaN out (the clamp may have dropped it).
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), result, x);
    }
}
