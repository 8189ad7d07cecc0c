using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Quantized;

/// <summary>One-lane "vectors" (plain int and float): 4 bytes per step; the scalar path of every lane-generic kernel.</summary>
internal readonly unsafe struct Q8ElementwiseLanesScalar : IQ8ElementwiseLanes<int, float>
{
    public static int ByteCount => 4;

    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadWidened(byte* p, byte flip, out int x0, out int x1, out int x2, out int x3)
    {
        x0 = p[0] ^ flip; x1 = p[1] ^ flip; x2 = p[2] ^ flip; x3 = p[3] ^ flip;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed(byte* p, byte flip, int x0, int x1, int x2, int x3)
    {
        p[0] = (byte)(x0 ^ flip); p[1] = (byte)(x1 ^ flip); p[2] = (byte)(x2 ^ flip); p[3] = (byte)(x3 ^ flip);
    }

    public static int Splat(int x) => x;

    public static int Add(int a, int b) => unchecked(a + b);

    public static int Subtract(int a, int b) => unchecked(a - b);

    public static int Multiply(int a, int b) => unchecked(a * b);

    public static int ShiftLeft(int x, int count) => x << count;

    public static int ShiftRightArithmetic(int x, int count) => x >> count;

    public static int Min(int a, int b) => Math.Min(a, b);

    public static int Max(int a, int b) => Math.Max(a, b);

    public static int Sum(int x) => x;

    public static int Srdhm(int x, int m) => FixedPoint.SaturatingRoundingDoublingHighMul(x, m);

    public static int RoundingDivideByPot(int x, int exponent) => FixedPoint.RoundingDivideByPot(x, exponent);

    public static float SplatF(float x) => x;

    public static float LoadF(float* p) => *p;

    public static void StoreF(float* p, float x) => *p = x;

    public static float ToFloat(int x) => x;

    public static float AddF(float a, float b) => a + b;

    public static float MultiplyF(float a, float b) => a * b;

    public static float DivideF(float a, float b) => a / b;

    public static float FusedMultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    public static float ClampF(float x, float lo, float hi) => float.IsNaN(x) ? lo : Math.Min(Math.Max(x, lo), hi);

    public static int RoundToEven(float x) => (int)MathF.Round(x, MidpointRounding.ToEven);

    public static int RoundAwayFromZero(float x) => (int)MathF.Round(x, MidpointRounding.AwayFromZero);
}
