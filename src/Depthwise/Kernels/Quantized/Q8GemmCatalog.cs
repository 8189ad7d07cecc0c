using System.Runtime.Intrinsics;
using Depthwise.Kernels.Gemm;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// Every quantized GEMM variant, widest ISA first. Plan compilation asks <see cref="Best"/> once; tests run every
/// supported entry against <see cref="Q8GemmReference"/>; benchmarks enumerate <see cref="Supported"/>.
/// </summary>
public static unsafe class Q8GemmCatalog
{
    /// <summary>All variants, widest first (supported or not on this machine).</summary>
    public static IReadOnlyList<Q8GemmVariant> All { get; } =
    [
        Entry<Q8Lanes512, Vector512<int>, Q8GemmRows7>("Q8Gemm_7x32_V512", GemmIsa.V512),
        Entry<Q8Lanes256, Vector256<int>, Q8GemmRows6>("Q8Gemm_6x16_V256", GemmIsa.V256),
        Entry<Q8Lanes128, Vector128<int>, Q8GemmRows4>("Q8Gemm_4x8_V128", GemmIsa.V128),
        Entry<Q8LanesScalar, int, Q8GemmRows4>("Q8Gemm_4x2_Scalar", GemmIsa.Scalar),
    ];

    /// <summary>The variants this CPU and runtime can run, widest first.</summary>
    public static IReadOnlyList<Q8GemmVariant> Supported { get; } = All.Where(v => v.IsSupported).ToArray();

    /// <summary>The widest supported variant (the scalar one always is).</summary>
    public static Q8GemmVariant Best => Supported[0];

    /// <summary>The variant called <paramref name="name"/>, or null.</summary>
    public static Q8GemmVariant? Find(string name) => All.FirstOrDefault(v => v.Name == name);

    private static Q8GemmVariant Entry<TLanes, TVec, TTile>(string name, GemmIsa isa)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TTile : IQ8GemmTile =>
        new(name, isa, TTile.MR, 2 * TLanes.Count, TLanes.IsSupported,
            &Q8GemmDriver.Run<TLanes, TVec, TTile, Q8FixedPointRequant>,
            &Q8GemmDriver.Run<TLanes, TVec, TTile, Q8RoundHalfEvenRequant>,
            &Q8GemmDriver.Run<TLanes, TVec, TTile, Q8Int32Accumulators>);
}
