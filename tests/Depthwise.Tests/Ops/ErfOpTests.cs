using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class ErfOpTests
{
    /// <summary>erf by composite Simpson integration of 2/√π e^(−t²) in double: slow, obviously right (error ~1e-13).</summary>
    private static double SimpsonErf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (Math.Abs(x) > 6) return Math.Sign(x);
        const int n = 4000;   // even
        double h = x / n, sum = 1 + Math.Exp(-x * x);
        for (int i = 1; i < n; i++)
        {
            double t = i * h;
            sum += (i % 2 == 1 ? 4 : 2) * Math.Exp(-t * t);
        }
        return sum * h / 3 * 2 / Math.Sqrt(Math.PI);
    }

    [Fact]
    public void MatchesTheReferenceForEveryLength() => AssertUnaryMatches(() => new ErfOp(), SimpsonErf, 1e-6);

    [Fact]
    public void IsAccurateToWellUnderOneMillionthAcrossTheRange()
    {
        // Dense sweep, including tiny and subnormal magnitudes where a relative error would show, and the ±4 switch.
        var xs = new List<float> { 0f, -0f, 1e-37f, -1e-37f, 1e-20f, 1e-8f, 1e-4f, 3.99999f, 4f, 4.00001f, 9f, -9f };
        for (int i = -600; i <= 600; i++) xs.Add(i / 100f);
        var x = xs.ToArray();
        var y = GraphFactory.RunOp(new ErfOp(), [Tensor.FromArray(new Shape(x.Length), x)])[0].ToArray<float>();
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = SimpsonErf(x[i]);
            if (e == 0) { Assert.Equal(0f, y[i]); continue; }
            worst = Math.Max(worst, Math.Abs(y[i] - e) / Math.Abs(e));
        }
        // float32 rounding alone is ≤ 6e-8 relative; anything above 1e-7 would mean the series is off.
        Assert.True(worst < 1e-7, $"worst relative error {worst:g3}");
    }

    [Fact]
    public void KnownValues()
    {
        var y = GraphFactory.RunOp(new ErfOp(), [Tensor.FromArray(new Shape(5), new[] { 0.5f, 1f, 2f, -3f, float.PositiveInfinity })])[0].ToArray<float>();
        Assert.Equal(new[] { 0.5204998778f, 0.8427007929f, 0.9953222650f, -0.9999779095f, 1f }, y);
    }

    [Fact]
    public void ComputesFloat16() => AssertHalfMatches(() => new ErfOp(), SimpsonErf);

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_erf");
}
