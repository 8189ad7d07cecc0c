using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.RegularExpressions;
using Depthwise.Kernels.Depthwise;
using Xunit.Abstractions;

namespace Depthwise.Tests.Kernels.Depthwise;

public class DepthwiseConvCatalogTests(ITestOutputHelper output)
{
    [Fact]
    public void NamesFollowTheGrammarAndDescribeTheVariant()
    {
        var names = DepthwiseConvCatalog.All.Select(v => v.Name).ToArray();
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.Equal(20, names.Length);
        foreach (var v in DepthwiseConvCatalog.All)
        {
            var m = Regex.Match(v.Name, @"^F32DepthwiseConv(?:(\d)x\1s(\d)|KxK)_(V512|V256|V128|Scalar)$");
            Assert.True(m.Success, v.Name);
            Assert.Equal(v.Isa.ToString(), m.Groups[3].Value);
            Assert.Equal(v.IsGeneric ? "" : v.KernelSize.ToString(), m.Groups[1].Value);
            Assert.Equal(v.IsGeneric ? "" : v.Stride.ToString(), m.Groups[2].Value);
            Assert.Equal(v.Isa switch { DepthwiseConvIsa.V512 => 16, DepthwiseConvIsa.V256 => 8, DepthwiseConvIsa.V128 => 4, _ => 1 }, v.ChannelTile);
            Assert.Equal(v.IsGeneric ? 1 : 4, v.PixelTile);
            Assert.Same(v, DepthwiseConvCatalog.Find(v.Name));
        }
        Assert.Null(DepthwiseConvCatalog.Find("F32DepthwiseConv7x7s1_V512"));
    }

    [Fact]
    public void SupportFollowsTheHardwareAndTheRuntimeSwitches()
    {
        bool v512 = Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported;
        bool v256 = Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported;
        bool v128 = Vector128.IsHardwareAccelerated;
        foreach (var v in DepthwiseConvCatalog.All)
            Assert.Equal(v.Isa switch { DepthwiseConvIsa.V512 => v512, DepthwiseConvIsa.V256 => v256, DepthwiseConvIsa.V128 => v128, _ => true },
                v.IsSupported);
        Assert.Equal(DepthwiseConvCatalog.All.Where(v => v.IsSupported), DepthwiseConvCatalog.Supported);
        output.WriteLine($"Vector512 {v512}, Vector256+FMA {v256}, Vector128 {v128}; supported: " +
                         string.Join(", ", DepthwiseConvCatalog.Supported.Select(v => v.Name)));
    }

    [Fact]
    public void SelectPicksTheWidestSpecializedVariantThenTheGenericOne()
    {
        var widest = DepthwiseConvCatalog.Supported[0].Isa;
        (DepthwiseConvShape Shape, string Kind)[] cases =
        [
            (DepthwiseConvShape.Square(1, 112, 112, 32, 3, 1, 1), "3x3s1"),
            (DepthwiseConvShape.Same(1, 112, 112, 96, 3, 2), "3x3s2"),
            (DepthwiseConvShape.Square(1, 28, 28, 240, 5, 1, 2), "5x5s1"),
            (DepthwiseConvShape.Same(1, 56, 56, 144, 5, 2), "5x5s2"),
            (new DepthwiseConvShape(1, 9, 9, 8, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2), "KxK"),    // dilated
            (new DepthwiseConvShape(1, 9, 9, 8, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1), "KxK"),    // mixed strides
            (DepthwiseConvShape.Square(1, 9, 9, 8, 7, 1, 3), "KxK"),
        ];
        foreach (var (shape, kind) in cases)
        {
            var v = DepthwiseConvCatalog.Select(shape);
            output.WriteLine($"{shape} → {v.Name}");
            Assert.Equal($"F32DepthwiseConv{kind}_{widest}", v.Name);
            Assert.True(v.IsSupported && v.Supports(shape));
        }
    }
}
