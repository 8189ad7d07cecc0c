namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// The spatial part of a depthwise variant: computes one output row of one image for one block of
/// <c>TL.Count</c> channels starting at channel <c>c</c>. The channel loop (full blocks, then narrower vectors for
/// the tail) is <see cref="F32DepthwiseConvDriver"/>'s, so a row kernel is written once and instantiated per width.
/// </summary>
internal unsafe interface IF32DepthwiseRowKernel
{
    /// <summary>Output row <paramref name="oy"/> of image <paramref name="n"/>, channels [c, c + TL.Count).</summary>
    static abstract void Row<TL, TV, TA>(in DepthwiseConvArgs a, int n, int oy, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind;
}
