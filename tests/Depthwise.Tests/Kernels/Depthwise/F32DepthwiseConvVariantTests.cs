using Depthwise.Kernels;
using Depthwise.Kernels.Depthwise;

namespace Depthwise.Tests.Kernels.Depthwise;

/// <summary>
/// Every supported variant against <see cref="F32DepthwiseConvReference"/> (DESIGN convention 2): the scalar
/// variants bit for bit, the vector ones within fused-multiply-add rounding, with guard bands around both buffers
/// (NaN around the input so a stray read shows in the result, sentinels around the output so a stray write shows)
/// and row-range splits that must not change a single bit. Run again with DOTNET_EnableAVX512F=0,
/// DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0 to exercise every ISA on one machine (convention 8).
/// </summary>
public class F32DepthwiseConvVariantTests
{
    private const int Guard = 32;
    private const float OutputSentinel = 12345.5f;

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 1)]
    [InlineData(5, 2)]
    public void SpecializedFamilyAndGenericMatchTheReference(int kernel, int stride)
    {
        var covered = new HashSet<string>();
        int index = 0;
        foreach (var shape in DepthwiseConvCase.Sweep(kernel, stride))
        {
            var epilogue = DepthwiseConvCase.Epilogues[index % DepthwiseConvCase.Epilogues.Length];
            var test = new DepthwiseConvCase(shape, epilogue, seed: index, bias: index % 7 != 0);
            CheckAllVariants(test, checkSplits: index % 3 == 0, covered);
            index++;
        }
        // Every supported specialized variant for this geometry and every generic one took part.
        var expected = DepthwiseConvCatalog.Supported
            .Where(v => v.IsGeneric || (v.KernelSize == kernel && v.Stride == stride)).Select(v => v.Name);
        Assert.Equal(expected.Order(), covered.Order());
    }

    /// <summary>Geometries only the generic variant computes: other kernel sizes, strides, dilations, non-square.</summary>
    public static TheoryData<int, int, int, int, int, int> GenericGeometries() => new()
    {
        { 1, 1, 1, 1, 1, 1 }, { 2, 2, 2, 2, 1, 1 }, { 3, 3, 1, 1, 2, 2 }, { 3, 3, 2, 2, 2, 2 }, { 1, 3, 1, 2, 1, 1 },
        { 3, 1, 2, 1, 1, 3 }, { 7, 7, 1, 1, 1, 1 }, { 7, 7, 2, 2, 1, 1 }, { 2, 4, 3, 3, 2, 1 }, { 3, 3, 3, 3, 1, 1 },
        { 5, 5, 1, 2, 1, 1 }, { 3, 5, 1, 1, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(GenericGeometries))]
    public void GenericVariantsMatchTheReference(int kh, int kw, int sh, int sw, int dh, int dw)
    {
        var covered = new HashSet<string>();
        int index = 0;
        foreach (int c in new[] { 1, 3, 8, 15, 17, 33, 96 })
            foreach (var (h, w) in new[] { (1, 1), (2, 15), (5, 5), (8, 8), (15, 7), (14, 14) })
                foreach (var (t, l, b, r) in DepthwiseConvCase.Pads)
                {
                    if (h + t + b < (kh - 1) * dh + 1 || w + l + r < (kw - 1) * dw + 1) continue;
                    var shape = new DepthwiseConvShape(2, h, w, c, kh, kw, sh, sw, dh, dw, t, l, b, r);
                    var epilogue = DepthwiseConvCase.Epilogues[index % DepthwiseConvCase.Epilogues.Length];
                    CheckAllVariants(new DepthwiseConvCase(shape, epilogue, seed: 1000 + index), index % 3 == 0, covered);
                    index++;
                }
        Assert.Equal(DepthwiseConvCatalog.Supported.Where(v => v.IsGeneric).Select(v => v.Name).Order(), covered.Order());
    }

    [Fact]
    public void EveryActivationOnEveryVariant()
    {
        foreach (var v in DepthwiseConvCatalog.Supported)
        {
            int k = v.IsGeneric ? 3 : v.KernelSize, s = v.IsGeneric ? 1 : v.Stride;
            int dilation = v.IsGeneric ? 2 : 1;
            var shape = new DepthwiseConvShape(2, 13, 17, 37, k, k, s, s, dilation, dilation, 0, 1, 2, 1);
            foreach (var epilogue in DepthwiseConvCase.Epilogues)
            {
                var test = new DepthwiseConvCase(shape, epilogue, seed: 7);
                var covered = new HashSet<string>();
                CheckAllVariants(test, checkSplits: false, covered, only: v);
                Assert.Contains(v.Name, covered);
            }
        }
    }

    [Fact]
    public void AnySplitOfTheRowsGivesIdenticalResults()
    {
        foreach (var v in DepthwiseConvCatalog.Supported)
        {
            int k = v.IsGeneric ? 3 : v.KernelSize, s = v.IsGeneric ? 2 : v.Stride;
            var shape = new DepthwiseConvShape(3, 11, 9, 21, k, k, s, s, 1, 1, 1, 2, 2, 1);
            var test = new DepthwiseConvCase(shape, FusedEpilogue.HardSwish, seed: 11);
            var full = new float[shape.OutputLength];
            v.Run(test.Weights, shape, test.Epilogue, test.Input, full);
            for (int parts = 1; parts <= 7; parts += 2)
            {
                var split = new float[shape.OutputLength];
                for (int i = parts - 1; i >= 0; i--)
                    v.Run(test.Weights, shape, test.Epilogue, test.Input, split, DepthwiseConvRange.Split(shape, parts, i));
                Assert.True(full.AsSpan().SequenceEqual(split), $"{v.Name}: {parts} parts differ from one");
            }
            var rowByRow = new float[shape.OutputLength];
            for (int u = shape.RowCount - 1; u >= 0; u--)
                v.Run(test.Weights, shape, test.Epilogue, test.Input, rowByRow, new DepthwiseConvRange(u, u + 1));
            Assert.True(full.AsSpan().SequenceEqual(rowByRow), $"{v.Name}: row-by-row differs");
        }
    }

    [Fact]
    public void RunAllocatesNothing()
    {
        foreach (var v in DepthwiseConvCatalog.Supported)
        {
            int k = v.IsGeneric ? 3 : v.KernelSize, s = v.IsGeneric ? 1 : v.Stride;
            var shape = DepthwiseConvShape.Square(1, 9, 9, 19, k, s, 1);
            var test = new DepthwiseConvCase(shape, FusedEpilogue.Relu6, seed: 5);
            var y = new float[shape.OutputLength];
            v.Run(test.Weights, shape, test.Epilogue, test.Input, y);
            long before = GC.GetAllocatedBytesForCurrentThread();
            v.Run(test.Weights, shape, test.Epilogue, test.Input, y);
            v.Run(test.Weights, shape, FusedEpilogue.HardSwish, test.Input, y, DepthwiseConvRange.Split(shape, 2, 1));
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void EmptyBatchAndEmptyRangeDoNothing()
    {
        foreach (var v in DepthwiseConvCatalog.Supported.Where(v => v.IsGeneric))
        {
            var empty = DepthwiseConvShape.Square(0, 5, 5, 3, 3, 1, 1);
            v.Run(F32DepthwiseConvWeights.PackChannelFirst(3, 3, 3, new float[27], []), empty, FusedEpilogue.Linear, [], []);
            var shape = DepthwiseConvShape.Square(1, 5, 5, 3, 3, 1, 1);
            var y = Enumerable.Repeat(float.NaN, shape.OutputLength).ToArray();
            v.Run(F32DepthwiseConvWeights.PackChannelFirst(3, 3, 3, new float[27], []), shape, FusedEpilogue.Linear,
                new float[shape.InputLength], y, new DepthwiseConvRange(2, 2));
            Assert.All(y, value => Assert.True(float.IsNaN(value)));
        }
    }

    [Fact]
    public void RejectsWrongArguments()
    {
        var shape = DepthwiseConvShape.Square(1, 6, 6, 5, 3, 1, 1);
        var weights = F32DepthwiseConvWeights.PackChannelFirst(5, 3, 3, new float[45], []);
        var x = new float[shape.InputLength];
        var y = new float[shape.OutputLength];
        var best = DepthwiseConvCatalog.Select(shape);
        Assert.Throws<ArgumentException>(() => best.Run(weights, shape, FusedEpilogue.Linear, x.AsSpan(1), y));
        Assert.Throws<ArgumentException>(() => best.Run(weights, shape, FusedEpilogue.Linear, x, y.AsSpan(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => best.Run(weights, shape, FusedEpilogue.Linear, x, y, new(0, 7)));
        Assert.Throws<ArgumentException>(() => best.Run(F32DepthwiseConvWeights.PackChannelFirst(5, 5, 5, new float[125], []),
            shape, FusedEpilogue.Linear, x, y));
        var shared = new float[Math.Max(shape.InputLength, shape.OutputLength)];
        Assert.Throws<ArgumentException>(() => best.Run(weights, shape, FusedEpilogue.Linear, shared, shared));
        var fiveByFive = DepthwiseConvCatalog.All.First(v => v.KernelSize == 5 && v.IsSupported);
        Assert.Throws<ArgumentException>(() => fiveByFive.Run(weights, shape, FusedEpilogue.Linear, x, y));
        foreach (var unsupported in DepthwiseConvCatalog.All.Where(v => !v.IsSupported))
            Assert.Throws<PlatformNotSupportedException>(() => unsupported.Run(weights, shape, FusedEpilogue.Linear, x, y));
        Assert.Throws<ArgumentException>(() => FusedEpilogue.Clamp(1, 0));
    }

    /// <summary>
    /// Runs every supported variant that computes the case (or just <paramref name="only"/>) inside guard bands and
    /// compares with the reference; optionally re-runs it split into row ranges and demands identical bits.
    /// </summary>
    private static void CheckAllVariants(DepthwiseConvCase test, bool checkSplits, HashSet<string> covered,
        F32DepthwiseConvVariant? only = null)
    {
        var shape = test.Shape;
        var expected = test.Reference();
        float[]? magnitude = null;
        var input = new float[shape.InputLength + 2 * Guard];
        input.AsSpan().Fill(float.NaN);
        test.Input.CopyTo(input, Guard);
        var output = new float[shape.OutputLength + 2 * Guard];
        int taps = shape.KernelHeight * shape.KernelWidth;
        foreach (var v in DepthwiseConvCatalog.Supported)
        {
            if (!v.Supports(shape) || (only is not null && only != v)) continue;
            covered.Add(v.Name);
            output.AsSpan().Fill(OutputSentinel);
            var y = output.AsSpan(Guard, shape.OutputLength);
            y.Fill(float.NaN);
            v.Run(test.Weights, shape, test.Epilogue, input.AsSpan(Guard, shape.InputLength), y);
            for (int g = 0; g < Guard; g++)
                if (output[g] != OutputSentinel || output[Guard + shape.OutputLength + g] != OutputSentinel)
                    Assert.Fail($"{v.Name} {test}: wrote outside the output");
            if (v.Isa == DepthwiseConvIsa.Scalar)
            {
                for (int i = 0; i < expected.Length; i++)
                    if (BitConverter.SingleToInt32Bits(y[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                        Assert.Fail($"{v.Name} {test}: element {Describe(shape, i)} is {y[i]}, reference {expected[i]} (scalar must be exact)");
            }
            else
            {
                magnitude ??= test.Magnitude();
                for (int i = 0; i < expected.Length; i++)
                {
                    // Fused vs separate multiply-add: each of the taps+1 roundings is at most 2^-24 of the magnitude.
                    double tolerance = 4 * (taps + 2) * 6e-8 * magnitude[i] + 1e-6;
                    if (!(Math.Abs(y[i] - expected[i]) <= tolerance))
                        Assert.Fail($"{v.Name} {test}: element {Describe(shape, i)} is {y[i]}, reference {expected[i]}");
                }
            }
            if (checkSplits)
            {
                var whole = y.ToArray();
                y.Fill(float.NaN);
                int rows = shape.RowCount, a = rows / 3, b = rows - rows / 4;
                v.Run(test.Weights, shape, test.Epilogue, input.AsSpan(Guard, shape.InputLength), y, new(b, rows));
                v.Run(test.Weights, shape, test.Epilogue, input.AsSpan(Guard, shape.InputLength), y, new(0, a));
                v.Run(test.Weights, shape, test.Epilogue, input.AsSpan(Guard, shape.InputLength), y, new(a, b));
                if (!y.SequenceEqual(whole)) Assert.Fail($"{v.Name} {test}: split into rows [0,{a}) [{a},{b}) [{b},{rows}) differs");
            }
        }
    }

    private static string Describe(DepthwiseConvShape s, int i)
    {
        int c = i % s.Channels, p = i / s.Channels, x = p % s.OutputWidth, row = p / s.OutputWidth;
        return $"(n={row / s.OutputHeight}, y={row % s.OutputHeight}, x={x}, c={c})";
    }
}
