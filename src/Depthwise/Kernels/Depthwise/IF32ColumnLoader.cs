using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// How a row kernel loads input column k of a tile: unchecked in the interior, or zero outside the image at the
/// borders. A type parameter, so the interior loop carries no trace of the border checks.
/// </summary>
internal unsafe interface IF32ColumnLoader
{
    /// <summary>
    /// True for border tiles: the tile loop then runs up to the first interior tile and stores only the outputs
    /// that exist; false for interior tiles (full tiles up to <c>InteriorEnd</c>).
    /// </summary>
    static abstract bool Checked { get; }

    /// <summary>
    /// The vector at <c>p + k·stride</c>: input column <c>ix0 + k</c> of a row <paramref name="width"/> columns wide.
    /// </summary>
    static abstract TV Load<TL, TV>(float* p, int k, nint stride, int ix0, int width)
        where TL : struct, IF32Lanes<TV>
        where TV : struct;
}

/// <summary>Interior tiles: every column is inside the image.</summary>
internal readonly unsafe struct UncheckedColumns : IF32ColumnLoader
{
    public static bool Checked => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TL, TV>(float* p, int k, nint stride, int ix0, int width)
        where TL : struct, IF32Lanes<TV>
        where TV : struct => TL.Load(p + k * stride);
}

/// <summary>
/// Border tiles: a column in the left or right padding reads as zero and is never dereferenced. Adding the exact
/// product 0·w (w finite) leaves the accumulator unchanged, so border outputs equal the reference that skips those
/// taps.
/// </summary>
internal readonly unsafe struct ClippedColumns : IF32ColumnLoader
{
    public static bool Checked => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TL, TV>(float* p, int k, nint stride, int ix0, int width)
        where TL : struct, IF32Lanes<TV>
        where TV : struct => (uint)(ix0 + k) < (uint)width ? TL.Load(p + k * stride) : TL.Splat(0f);
}
