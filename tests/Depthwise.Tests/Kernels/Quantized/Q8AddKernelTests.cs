using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Tests.Kernels.Quantized;

/// <summary>
/// Every vector width of the 8-bit add kernels against their per-element scalar formula, over every length 0..300
/// (each tail of each width), for the three row forms (both contiguous, A scalar, B scalar), uint8 and int8.
/// test.sh re-runs these with AVX-512, AVX2 and all intrinsics off.
/// </summary>
public class Q8AddKernelTests
{
    public static TheoryData<DataType, bool> Cases => new()
    {
        { DataType.UInt8, false }, { DataType.UInt8, true }, { DataType.Int8, false }, { DataType.Int8, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FixedPointVectorPathsEqualTheScalarFormula(DataType type, bool subtract)
    {
        var rng = new Random(11 + (int)type + (subtract ? 5 : 0));
        for (int trial = 0; trial < 6; trial++)
        {
            var (a, b, y) = RandomQuant(rng, type);
            var (lo, hi) = type == DataType.Int8 ? (-128 + trial, 127 - trial) : (trial, 255 - trial);
            foreach (var isa in Q8Isas.Supported)
                Check(Q8AddFixedPoint.Create(a, b, y, type, subtract, lo, hi, isa), rng, $"{isa} trial {trial}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FloatVectorPathsEqualTheScalarFormula(DataType type, bool subtract)
    {
        var rng = new Random(23 + (int)type + (subtract ? 5 : 0));
        for (int trial = 0; trial < 6; trial++)
        {
            var (a, b, y) = RandomQuant(rng, type);
            var (lo, hi) = type == DataType.Int8 ? (-128, 127) : (0, 255);
            foreach (var isa in Q8Isas.Supported)
                Check(Q8AddFloat.Create(a, b, y, type, subtract, lo, hi, isa), rng, $"{isa} trial {trial}");
        }
    }

    [Fact]
    public void FloatKernelFoldsABroadcastScalarLikeOnnxRuntime()
    {
        // ORT computes F + b·r_b first (two roundings) for a scalar B; with these values the fused form differs.
        var q = QuantParams.PerTensor(0.1f, 3);
        var k = Q8AddFloat.Create(q, QuantParams.PerTensor(0.3f, 7), QuantParams.PerTensor(0.7f, 128), DataType.UInt8, false, 0, 255, Q8Isa.Scalar);
        var a = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var y = new byte[256];
        k.ScalarB(a, 200, y);
        float ra = 0.1f / 0.7f, rb = 0.3f / 0.7f, f = 128f - (ra * 3 + rb * 7);
        float fb = f + 200 * rb;
        for (int i = 0; i < 256; i++)
            Assert.Equal((byte)Math.Clamp(MathF.Round(MathF.FusedMultiplyAdd(i, ra, fb), MidpointRounding.ToEven), 0, 255), y[i]);
    }

    private static (QuantParams A, QuantParams B, QuantParams Y) RandomQuant(Random rng, DataType type)
    {
        int lo = type == DataType.Int8 ? -128 : 0;
        QuantParams Q() => QuantParams.PerTensor((float)Math.Exp(rng.NextDouble() * 6 - 5), lo + rng.Next(256));
        var a = Q();
        var b = Q();
        // The output scale is at least the inputs' (TFLite requires the final rescale to be below 1).
        var y = QuantParams.PerTensor(Math.Max(a.Scales[0], b.Scales[0]) * (float)(0.2 + rng.NextDouble() * 2), lo + rng.Next(256));
        return (a, b, y);
    }

    private static void Check<TKernel>(TKernel k, Random rng, string what) where TKernel : struct, IQ8BinaryKernel
    {
        for (int n = 0; n <= 300; n++)
        {
            var a = new byte[n];
            var b = new byte[n];
            rng.NextBytes(a);
            rng.NextBytes(b);
            if (n > 3) { a[0] = 0; a[1] = 255; b[2] = 0; b[3] = 255; }
            // The output sits in a larger buffer whose tail must stay untouched.
            var full = new byte[n + 64];
            Array.Fill(full, (byte)0xA5);
            var y = full.AsSpan(0, n);
            k.Both(a, b, y);
            AssertTailUntouched(full, n, what);
            for (int i = 0; i < n; i++) Assert.True(k.Invoke(a[i], b[i]) == y[i], $"{what} both n={n} i={i}: a={a[i]} b={b[i]} expected {k.Invoke(a[i], b[i])} got {y[i]}");
            byte s = (byte)rng.Next(256);
            k.ScalarB(a, s, y);
            AssertTailUntouched(full, n, what);
            for (int i = 0; i < n; i++) Assert.True(ScalarB(k, a[i], s) == y[i], $"{what} scalar B n={n} i={i}");
            k.ScalarA(s, b, y);
            AssertTailUntouched(full, n, what);
            for (int i = 0; i < n; i++) Assert.True(ScalarA(k, s, b[i]) == y[i], $"{what} scalar A n={n} i={i}");
        }
    }

    private static void AssertTailUntouched(byte[] full, int n, string what)
    {
        for (int i = n; i < full.Length; i++) Assert.True(full[i] == 0xA5, $"{what}: wrote past the end of {n} outputs at {i}");
    }

    // The one-element forms of the scalar rows: a row of length 1 runs the kernel's scalar code.
    private static byte ScalarB<TKernel>(TKernel k, byte a, byte b) where TKernel : struct, IQ8BinaryKernel
    {
        var y = new byte[1];
        k.ScalarB([a], b, y);
        return y[0];
    }

    private static byte ScalarA<TKernel>(TKernel k, byte a, byte b) where TKernel : struct, IQ8BinaryKernel
    {
        var y = new byte[1];
        k.ScalarA(a, [b], y);
        return y[0];
    }
}
