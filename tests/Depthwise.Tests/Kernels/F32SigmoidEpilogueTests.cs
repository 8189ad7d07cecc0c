using Depthwise.Kernels;

namespace Depthwise.Tests.Kernels;

public class F32SigmoidEpilogueTests
{
    [Fact]
    public void MatchesTheScalarDefinitionOverEveryLengthAroundTheVectorWidths()
    {
        var rng = new Random(3);
        for (int n = 0; n <= 70; n++)
            foreach (bool silu in new[] { false, true })
                foreach (bool withResidual in new[] { false, true })
                {
                    var y = new float[n + 3];
                    var r = new float[n];
                    for (int i = 0; i < y.Length; i++) y[i] = (float)(rng.NextDouble() * 40 - 20);
                    for (int i = 0; i < n; i++) r[i] = (float)(rng.NextDouble() * 4 - 2);
                    var original = (float[])y.Clone();
                    F32SigmoidEpilogue.Apply(y.AsSpan(0, n), withResidual ? r : default, silu);
                    for (int i = 0; i < n; i++)
                    {
                        double x = original[i] + (withResidual ? r[i] : 0f);
                        double s = 1 / (1 + Math.Exp(-x));
                        double expected = silu ? x * s : s;
                        Assert.True(Math.Abs(y[i] - expected) <= 4e-7 * Math.Abs(expected) + 1e-37, $"n={n} i={i}: {y[i]} vs {expected}");
                    }
                    for (int i = n; i < y.Length; i++) Assert.Equal(original[i], y[i]); // nothing past the span
                }
    }

    [Fact]
    public void FusedSigmoidEqualsTheSigmoidOperatorBitForBit()
    {
        var op = new global::Depthwise.Ops.SigmoidOperator();
        for (int n = 0; n < 70; n++)
        {
            var y = Enumerable.Range(0, n).Select(i => (i - 35) * 0.37f).ToArray();
            var expected = y.Select(op.Invoke).ToArray();
            F32SigmoidEpilogue.Apply(y, default, silu: false);
            Assert.Equal(expected, y);
        }
    }
}
