using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Depthwise.Ops;

/// <summary>
/// A batch of 2-D transposes of 4-byte elements: for each of <c>batch</c> matrices, [rows, cols] → [cols, rows].
/// NCHW→NHWC is rows = C, cols = H·W; NHWC→NCHW is rows = H·W, cols = C. Works in square tiles so both the reads and
/// the writes of a tile stay within a few cache lines (the plain strided copy walks one side a whole row apart).
/// </summary>
public sealed class TiledTransposeKernel(int batch, int rows, int cols) : Kernel
{
    private const int Tile = 16;

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        var src = MemoryMarshal.Cast<byte, uint>(ctx.InputBytes(0));
        var dst = MemoryMarshal.Cast<byte, uint>(ctx.OutputBytes(0));
        Transpose(src, dst, batch, rows, cols);
    }

    /// <summary>dst[b, c, r] = src[b, r, c] for every matrix b (the kernel's work, for tests).</summary>
    // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(ReadOnlySpan<uint> src, Span<uint> dst, int batch, int rows, int cols)
    {
        int size = rows * cols;
        if (src.Length < batch * size || dst.Length < batch * size) throw new ArgumentException("spans are shorter than the matrices");
        for (int b = 0; b < batch; b++)
        {
            ref uint s = ref Unsafe.Add(ref MemoryMarshal.GetReference(src), b * size);
            ref uint d = ref Unsafe.Add(ref MemoryMarshal.GetReference(dst), b * size);
            for (int r0 = 0; r0 < rows; r0 += Tile)
            {
                int r1 = Math.Min(rows, r0 + Tile);
                for (int c0 = 0; c0 < cols; c0 += Tile)
                {
                    int c1 = Math.Min(cols, c0 + Tile);
                    for (int c = c0; c < c1; c++)
                    {
                        ref uint dRow = ref Unsafe.Add(ref d, c * rows);
                        for (int r = r0; r < r1; r++) Unsafe.Add(ref dRow, r) = Unsafe.Add(ref s, r * cols + c);
                    }
                }
            }
        }
    }
}
