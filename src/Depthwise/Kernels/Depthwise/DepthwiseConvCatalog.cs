using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// Every fp32 depthwise-convolution variant, widest ISA first and, within an ISA, the specialized kernels before
/// the generic one. Plan compilation calls <see cref="Select"/> once per layer; tests run every supported entry
/// against <see cref="F32DepthwiseConvReference"/>; benchmarks enumerate <see cref="Supported"/>.
/// Adding a variant = one line here (a new size or stride of the tiled kernel) or a row-kernel struct + one line.
/// </summary>
public static unsafe class DepthwiseConvCatalog
{
    /// <summary>All variants (supported or not on this machine), in selection order.</summary>
    public static IReadOnlyList<F32DepthwiseConvVariant> All { get; } =
    [
        .. Family<F32Lanes512, Vector512<float>>(DepthwiseConvIsa.V512, "V512", 16, IsV512Supported),
        .. Family<F32Lanes256, Vector256<float>>(DepthwiseConvIsa.V256, "V256", 8, IsV256Supported),
        .. Family<F32Lanes128, Vector128<float>>(DepthwiseConvIsa.V128, "V128", 4, Vector128.IsHardwareAccelerated),
        .. Family<F32LanesScalar, float>(DepthwiseConvIsa.Scalar, "Scalar", 1, true),
    ];

    /// <summary>The variants this CPU and runtime can run, in selection order.</summary>
    public static IReadOnlyList<F32DepthwiseConvVariant> Supported { get; } = All.Where(v => v.IsSupported).ToArray();

    /// <summary>
    /// The variant to use for <paramref name="shape"/>: the first supported one that computes it (widest ISA,
    /// specialized before generic). Never null: the scalar generic variant computes every shape.
    /// </summary>
    public static F32DepthwiseConvVariant Select(in DepthwiseConvShape shape)
    {
        foreach (var v in Supported)
            if (v.Supports(shape)) return v;
        throw new InvalidOperationException("no depthwise variant supports " + shape);
    }

    /// <summary>The variant called <paramref name="name"/>, or null.</summary>
    public static F32DepthwiseConvVariant? Find(string name) => All.FirstOrDefault(v => v.Name == name);

    // Vector512 (not just Avx512F): the runtime may leave 512-bit vectors unaccelerated on CPUs that throttle them.
    private static bool IsV512Supported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported;

    private static bool IsV256Supported => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported;

    private static F32DepthwiseConvVariant[] Family<TL, TV>(DepthwiseConvIsa isa, string suffix, int lanes, bool supported)
        where TL : struct, IF32Lanes<TV>
        where TV : struct =>
    [
        Entry<TL, TV, F32DepthwiseConvTiled<Int3, Int1, Int2>>($"F32DepthwiseConv3x3s1_{suffix}", isa, 3, 1, lanes, 4, supported),
        Entry<TL, TV, F32DepthwiseConvTiled<Int3, Int2, Int2>>($"F32DepthwiseConv3x3s2_{suffix}", isa, 3, 2, lanes, 4, supported),
        Entry<TL, TV, F32DepthwiseConvTiled<Int5, Int1, Int2>>($"F32DepthwiseConv5x5s1_{suffix}", isa, 5, 1, lanes, 4, supported),
        Entry<TL, TV, F32DepthwiseConvTiled<Int5, Int2, Int1>>($"F32DepthwiseConv5x5s2_{suffix}", isa, 5, 2, lanes, 4, supported),
        Entry<TL, TV, F32DepthwiseConvKxK>($"F32DepthwiseConvKxK_{suffix}", isa, 0, 0, lanes, 1, supported),
    ];

    private static F32DepthwiseConvVariant Entry<TL, TV, TK>(string name, DepthwiseConvIsa isa, int kernel, int stride,
        int lanes, int pixels, bool supported)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TK : struct, IF32DepthwiseRowKernel =>
        new(name, isa, kernel, stride, lanes, pixels, supported,
            &F32DepthwiseConvDriver.Run<TL, TV, TK, LinearActivationKind>,
            &F32DepthwiseConvDriver.Run<TL, TV, TK, ClampActivationKind>,
            &F32DepthwiseConvDriver.Run<TL, TV, TK, HardSwishActivationKind>);
}
