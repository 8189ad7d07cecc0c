using Depthwise.Tensors;

namespace Depthwise.Tests.Tensors;

public class TensorComparisonTests
{
    private static Tensor U8(params byte[] v) => Tensor.FromArray(new Shape(v.Length), v);
    private static Tensor F32(params float[] v) => Tensor.FromArray(new Shape(v.Length), v);

    /// <summary>1000 uint8 values 0..249 repeated, with <paramref name="offByOne"/> of them one higher and one value moved by <paramref name="bigStep"/>.</summary>
    private static (Tensor Expected, Tensor Actual) U8Pair(int offByOne, int bigStep = 0)
    {
        var e = new byte[1000];
        for (int i = 0; i < e.Length; i++) e[i] = (byte)(i % 250);
        var a = (byte[])e.Clone();
        for (int i = 0; i < offByOne; i++) a[i * 7] += 1;
        if (bigStep != 0) a[999] = (byte)(a[999] + bigStep);
        return (Tensor.FromArray(new Shape(1, 1000), e), Tensor.FromArray(new Shape(1, 1000), a));
    }

    [Fact]
    public void QuantizedEqualPasses()
    {
        var (e, a) = U8Pair(0);
        var r = TensorComparison.Compare(e, a);
        Assert.True(r.Passed);
        Assert.Equal(ComparisonRule.Quantized, r.Rule);
        Assert.Equal(0, r.MaxAbsDifference);
        Assert.Equal(1.0, r.ExactFraction);
        Assert.Equal(-1, r.WorstIndex);
        Assert.Equal(1000, r.Count);
    }

    [Theory]
    [InlineData(10, true)]    // 99.0 % equal: the bound itself
    [InlineData(11, false)]   // 98.9 %
    public void QuantizedNeedsNinetyNinePercentExactlyEqual(int offByOne, bool passes)
    {
        var (e, a) = U8Pair(offByOne);
        var r = TensorComparison.Compare(e, a);
        Assert.Equal(passes, r.Passed);
        Assert.Equal(1, r.MaxAbsDifference);
        Assert.Equal((1000 - offByOne) / 1000.0, r.ExactFraction, 12);
    }

    [Fact]
    public void QuantizedFailsOnAnyDifferenceOfTwo()
    {
        var (e, a) = U8Pair(0, bigStep: 2);
        var r = TensorComparison.Compare(e, a);
        Assert.False(r.Passed);
        Assert.Equal(2, r.MaxAbsDifference);
        Assert.Equal(0.999, r.ExactFraction, 12);
        Assert.Equal(999, r.WorstIndex);
        Assert.Equal("worst at [0,999]: expected 249, got 251", r.Worst);
        Assert.Contains("max |diff| 2, 99.90 % equal", r.Metric, StringComparison.Ordinal);
    }

    [Fact]
    public void QuantizedDifferencesDoNotWrapAround()
    {
        var r = TensorComparison.Compare(U8(0, 5), U8(255, 5));
        Assert.Equal(255, r.MaxAbsDifference);
        var s = TensorComparison.Compare(Tensor.FromArray(new Shape(2), new sbyte[] { -128, 3 }), Tensor.FromArray(new Shape(2), new sbyte[] { 127, 3 }));
        Assert.Equal(255, s.MaxAbsDifference);
        Assert.False(s.Passed);
    }

    [Fact]
    public void QuantizedThresholdsCanBeChanged()
    {
        var (e, a) = U8Pair(50, bigStep: 2);
        Assert.False(TensorComparison.Compare(e, a).Passed);
        Assert.True(TensorComparison.Compare(e, a, new ComparisonTolerance { QuantizedMaxDifference = 2, QuantizedMinExactFraction = 0.9 }).Passed);
    }

    [Fact]
    public void FloatErrorIsRelativeToTheLargestExpectedMagnitude()
    {
        // max |expected| = 100: 1e-4 of it is 0.01, wherever the error is (even on the element that is 0.001).
        var e = F32(100f, -3f, 0.001f);
        Assert.True(TensorComparison.Compare(e, F32(100f, -3f, 0.0105f)).Passed);   // error 0.0095
        var r = TensorComparison.Compare(e, F32(100f, -3.011f, 0.001f));               // error 0.011
        Assert.False(r.Passed);
        Assert.Equal(ComparisonRule.RelativeFloat, r.Rule);
        Assert.Equal(100, r.Scale);
        Assert.Equal(0.011, r.MaxAbsDifference, 5);
        Assert.Equal(1.1e-4, r.RelativeError, 6);
        Assert.Equal(1, r.WorstIndex);
        Assert.Equal(2.0 / 3, r.ExactFraction, 12);
        Assert.True(TensorComparison.Compare(e, F32(100f, -3.011f, 0.001f), ComparisonTolerance.Float16Weights).Passed);
        Assert.True(TensorComparison.Compare(e, F32(100f, -3.011f, 0.001f), new ComparisonTolerance { Relative = 2e-4 }).Passed);
    }

    [Fact]
    public void FloatNonFiniteValuesMustMatch()
    {
        float nan = float.NaN, inf = float.PositiveInfinity;
        Assert.True(TensorComparison.Compare(F32(1, nan, inf), F32(1, nan, inf)).Passed);
        var r = TensorComparison.Compare(F32(1, nan), F32(1, 1));
        Assert.False(r.Passed);
        Assert.Equal(double.PositiveInfinity, r.MaxAbsDifference);
        Assert.Equal(1, r.Scale);   // the NaN does not count in the scale
        Assert.False(TensorComparison.Compare(F32(1, 2), F32(1, nan)).Passed);
        Assert.False(TensorComparison.Compare(F32(1, inf), F32(1, -inf)).Passed);
        Assert.False(TensorComparison.Compare(F32(1, 2), F32(1, inf)).Passed);
    }

    [Fact]
    public void AllZeroReferenceNeedsExactZeros()
    {
        Assert.True(TensorComparison.Compare(F32(0, 0), F32(0, 0)).Passed);
        var r = TensorComparison.Compare(F32(0, 0), F32(0, 1e-30f));
        Assert.False(r.Passed);
        Assert.Equal(double.PositiveInfinity, r.RelativeError);
    }

    [Fact]
    public void Float16UsesTheFloatRule()
    {
        var e = Tensor.FromArray(new Shape(2), new[] { (Half)1000, (Half)1 });
        var a = Tensor.FromArray(new Shape(2), new[] { (Half)1000, (Half)1.0498 });   // 0.0498 ≈ 5e-5 × 1000
        var r = TensorComparison.Compare(e, a);
        Assert.Equal(ComparisonRule.RelativeFloat, r.Rule);
        Assert.True(r.Passed, r.Metric);
    }

    [Fact]
    public void IntegersAndBoolsMustBeEqual()
    {
        var e = Tensor.FromArray(new Shape(3), new[] { 1, 2, 3 });
        Assert.True(TensorComparison.Compare(e, Tensor.FromArray(new Shape(3), new[] { 1, 2, 3 })).Passed);
        var r = TensorComparison.Compare(e, Tensor.FromArray(new Shape(3), new[] { 1, 2, 4 }));
        Assert.False(r.Passed);
        Assert.Equal(ComparisonRule.Exact, r.Rule);
        Assert.Equal(1, r.MaxAbsDifference);
        Assert.False(TensorComparison.Compare(Tensor.FromArray(new Shape(1), new[] { 5L }), Tensor.FromArray(new Shape(1), new[] { 6L })).Passed);
        var b = new Tensor(DataType.Bool, new Shape(2), new byte[] { 1, 0 });
        Assert.False(TensorComparison.Compare(b, new Tensor(DataType.Bool, new Shape(2), new byte[] { 1, 1 })).Passed);
    }

    [Fact]
    public void DifferentTypesOrShapesFail()
    {
        var t = TensorComparison.Compare(F32(1, 2), U8(1, 2));
        Assert.False(t.Passed);
        Assert.Equal(ComparisonRule.Mismatch, t.Rule);
        Assert.Equal("type differs: expected float32, got uint8", t.Metric);
        var s = TensorComparison.Compare(F32(1, 2), Tensor.FromArray(new Shape(1, 2), new[] { 1f, 2f }));
        Assert.False(s.Passed);
        Assert.Equal("shape differs: expected [2], got [1,2]", s.MismatchReason);
        Assert.Equal("", s.Worst);
    }

    [Fact]
    public void EmptyTensorsPass()
    {
        Assert.True(TensorComparison.Compare(F32(), F32()).Passed);
        Assert.True(TensorComparison.Compare(U8(), U8()).Passed);
    }

    [Fact]
    public void QuantizedGridCountsStepsOfFloatValues()
    {
        const float step = 0.16014458f;
        var q = new[] { -75, -3, 0, 12, 180 };
        var e = Tensor.FromArray(new Shape(5), q.Select(v => v * step).ToArray());
        var oneOff = Tensor.FromArray(new Shape(5), q.Select((v, i) => (v + (i == 3 ? 1 : 0)) * step).ToArray());
        var twoOff = Tensor.FromArray(new Shape(5), q.Select((v, i) => (v + (i == 3 ? 2 : 0)) * step).ToArray());
        var lenient = new ComparisonTolerance { QuantizedMinExactFraction = 0.8 };
        var r = TensorComparison.CompareQuantizedGrid(e, oneOff, step, lenient);
        Assert.True(r.Passed, r.Metric);
        Assert.Equal(ComparisonRule.Quantized, r.Rule);
        Assert.Equal(1, r.MaxAbsDifference);
        Assert.Equal(0.8, r.ExactFraction, 12);
        Assert.False(TensorComparison.CompareQuantizedGrid(e, oneOff, step).Passed);   // 80 % < 99 %
        Assert.False(TensorComparison.CompareQuantizedGrid(e, twoOff, step, lenient).Passed);
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorComparison.CompareQuantizedGrid(e, e, 0));
        Assert.Throws<ArgumentException>(() => TensorComparison.CompareQuantizedGrid(U8(1), U8(1), 1));
    }
}
