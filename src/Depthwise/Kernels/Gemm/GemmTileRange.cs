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

    /// <summary>
    /// Part <paramref name="index"/> of <paramref name="count"/> near-equal parts, cut along the dimension with more
    /// tiles (M-tiles for large feature maps, panels for a GEMV or a 7×7 map with many output channels). The parts
    /// are disjoint and together cover this range; some are empty when there are fewer tiles than parts.
    /// </summary>
    public GemmTileRange Part(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        if (MTiles >= Panels)
        {
            var (start, end) = Slice(MTileStart, Math.Max(0, MTiles), index, count);
            return this with { MTileStart = start, MTileEnd = end };
        }
        else
        {
            var (start, end) = Slice(PanelStart, Panels, index, count);
            return this with { PanelStart = start, PanelEnd = end };
        }
    }

    private static (int Start, int End) Slice(int start, int length, int index, int count) =>
        (start + (int)((long)length * index / count), start + (int)((long)length * (index + 1) / count));
}
