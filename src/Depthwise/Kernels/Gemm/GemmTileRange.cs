namespace Depthwise.Kernels.Gemm;

/// <summary>
/// The part of a GEMM one call computes: M-tiles [<see cref="MTileStart"/>, <see cref="MTileEnd"/>) (tile t covers
/// rows t·MR .. t·MR+MR-1) × N-panels [<see cref="PanelStart"/>, <see cref="PanelEnd"/>) (panel p covers columns
/// p·NR .. p·NR+NR-1). This is the hook a threading layer splits on: disjoint ranges write disjoint parts of C, and
/// every output element is computed by the same instruction sequence whichever range contains it, so the result
/// is bit-identical for any split.
/// </summary>
public readonly record struct GemmTileRange(int MTileStart, int MTileEnd, int PanelStart, int PanelEnd)
{
    /// <summary>Number of M-tiles in the range.</summary>
    public int MTiles => MTileEnd - MTileStart;

    /// <summary>Number of N-panels in the range.</summary>
    public int Panels => PanelEnd - PanelStart;

    /// <summary>True when the range holds no work.</summary>
    public bool IsEmpty => MTiles <= 0 || Panels <= 0;
}
