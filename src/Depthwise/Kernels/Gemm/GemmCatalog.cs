using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Gemm;

/// <summary>
/// Every fp32 GEMM variant, widest ISA first. Plan compilation asks <see cref="Best"/> once; tests run every
/// supported entry against <see cref="F32GemmReference"/>; benchmarks enumerate <see cref="Supported"/>.
/// Adding a variant = one line here (lanes, rows, vectors per row of <see cref="F32GemmMinMax{TL, TV, TM, TN}"/>).
/// </summary>
public static unsafe class GemmCatalog
{
    /// <summary>All fp32 variants, widest first (supported or not on this machine).</summary>
    public static IReadOnlyList<F32GemmVariant> All { get; } =
    [
        Entry<F32GemmMinMax<F32Lanes512, Vector512<float>, Int7, Int2>>("F32GemmMinMax_7x32_V512", GemmIsa.V512,
            Avx512F.IsSupported),
        Entry<F32GemmMinMax<F32Lanes256, Vector256<float>, Int6, Int2>>("F32GemmMinMax_6x16_V256", GemmIsa.V256,
            Avx2.IsSupported && Fma.IsSupported),
        Entry<F32GemmMinMax<F32Lanes128, Vector128<float>, Int4, Int2>>("F32GemmMinMax_4x8_V128", GemmIsa.V128,
            Vector128.IsHardwareAccelerated),
        Entry<F32GemmMinMax<F32LanesScalar, float, Int4, Int4>>("F32GemmMinMax_4x4_Scalar", GemmIsa.Scalar, true),
    ];

    /// <summary>The variants this CPU and runtime can run, widest first.</summary>
    public static IReadOnlyList<F32GemmVariant> Supported { get; } = All.Where(v => v.IsSupported).ToArray();

    /// <summary>The widest supported variant (the scalar one always is).</summary>
    public static F32GemmVariant Best => Supported[0];

    /// <summary>The variant called <paramref name="name"/>, or null.</summary>
    public static F32GemmVariant? Find(string name) => All.FirstOrDefault(v => v.Name == name);

    private static F32GemmVariant Entry<T>(string name, GemmIsa isa, bool isSupported)
        where T : struct, IF32GemmMicroKernel =>
        new(name, isa, T.MR, T.NR, isSupported, &F32GemmDriver.Run<T>);
}
