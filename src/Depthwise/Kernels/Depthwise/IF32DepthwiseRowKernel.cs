namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// The spatial part of a depthwise variant: computes one output row of one image for one block of
/// <c>TL.Count</c> channels starting at channel <c>c</c> (or two adjacent rows, <see cref="RowPair"/>). The row and
/// channel loops (full blocks, then narrower vectors for the tail) are <see cref="F32DepthwiseConvDriver"/>'s, so a
/// row kernel is written once and instantiated per width.
/// </summary>
internal unsafe interface IF32DepthwiseRowKernel
{
    /// <summary>Output row <paramref name="oy"/> of image <paramref name="n"/>, channels [c, c + TL.Count).</summary>
    static abstract void Row<TL, TV, TA>(in DepthwiseConvArgs a, int n, int oy, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind;

    /// <summary>
    /// True when the kernel implements <see cref="RowPair"/>, computing two adjacent rows in one pass over the input
    /// rows they share. The driver then hands it pairs of rows within the work range; a pair and two single rows must
    /// give identical bits (the per-pixel summation order is the same), so results never depend on the split.
    /// </summary>
    static virtual bool PairsRows => false;

    /// <summary>
    /// Output rows <paramref name="oy"/> and <paramref name="oy"/> + 1 (both exist) of image <paramref name="n"/>,
    /// channels [c, c + TL.Count). Only called when <see cref="PairsRows"/> is true.
    /// </summary>
    static virtual void RowPair<TL, TV, TA>(in DepthwiseConvArgs a, int n, int oy, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        throw new NotSupportedException("this kernel computes one row at a time");
    }
}
