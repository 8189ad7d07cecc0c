using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Depthwise.Kernels.Gemm;

namespace Depthwise.Kernels.Quantized;

/// <summary>Every quantized depthwise-convolution variant, widest ISA first (AVX-512 with VBMI's byte permute for the 3×3 tap pairs first); <see cref="Best"/> is read once per plan.</summary>
public static unsafe class Q8DepthwiseConvCatalog
{
    /// <summary>All variants, widest first (supported or not on this machine).</summary>
    public static IReadOnlyList<Q8DepthwiseConvVariant> All { get; } =
    [
        new("Q8DepthwiseConv_V512Vbmi", GemmIsa.V512, 16, Q8Lanes512.IsSupported && Avx512Vbmi.IsSupported,
            &Q8DepthwiseConvDriver.RunVbmi<Q8FixedPointRequant, Q8UInt8Input>,
            &Q8DepthwiseConvDriver.RunVbmi<Q8FixedPointRequant, Q8Int8Input>,
            &Q8DepthwiseConvDriver.RunVbmi<Q8RoundHalfEvenRequant, Q8UInt8Input>,
            &Q8DepthwiseConvDriver.RunVbmi<Q8RoundHalfEvenRequant, Q8Int8Input>,
            &Q8DepthwiseConvDriver.RunVbmi<Q8Int32Accumulators, Q8UInt8Input>,
            &Q8DepthwiseConvDriver.RunVbmi<Q8Int32Accumulators, Q8Int8Input>),
        Entry<Q8Lanes512, Vector512<int>>("Q8DepthwiseConv_V512", GemmIsa.V512),
        Entry<Q8Lanes256, Vector256<int>>("Q8DepthwiseConv_V256", GemmIsa.V256),
        Entry<Q8Lanes128, Vector128<int>>("Q8DepthwiseConv_V128", GemmIsa.V128),
        Entry<Q8LanesScalar, int>("Q8DepthwiseConv_Scalar", GemmIsa.Scalar),
    ];

    /// <summary>The variants this CPU and runtime can run, widest first.</summary>
    public static IReadOnlyList<Q8DepthwiseConvVariant> Supported { get; } = All.Where(v => v.IsSupported).ToArray();

    /// <summary>The widest supported variant.</summary>
    public static Q8DepthwiseConvVariant Best => Supported[0];

    /// <summary>The variant called <paramref name="name"/>, or null.</summary>
    public static Q8DepthwiseConvVariant? Find(string name) => All.FirstOrDefault(v => v.Name == name);

    private static Q8DepthwiseConvVariant Entry<TLanes, TVec>(string name, GemmIsa isa) where TLanes : IQ8Lanes<TVec> where TVec : struct =>
        new(name, isa, TLanes.Count, TLanes.IsSupported,
            &Q8DepthwiseConvDriver.Run<TLanes, TVec, Q8FixedPointRequant, Q8UInt8Input>,
            &Q8DepthwiseConvDriver.Run<TLanes, TVec, Q8FixedPointRequant, Q8Int8Input>,
            &Q8DepthwiseConvDriver.Run<TLanes, TVec, Q8RoundHalfEvenRequant, Q8UInt8Input>,
            &Q8DepthwiseConvDriver.Run<TLanes, TVec, Q8RoundHalfEvenRequant, Q8Int8Input>,
            &Q8DepthwiseConvDriver.Run<TLanes, TVec, Q8Int32Accumulators, Q8UInt8Input>,
            &Q8DepthwiseConvDriver.Run<TLanes, TVec, Q8Int32Accumulators, Q8Int8Input>);
}
