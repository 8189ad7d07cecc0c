namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// How large elementwise ops are split for threads: fixed-size chunks whose count depends on the element count only,
/// so results never depend on the thread count.
/// </summary>
public static class ElementwiseChunking
{
    /// <summary>Tensors smaller than this run on one thread (a parallel region costs more than it saves).</summary>
    public const int ParallelThreshold = 64 * 1024;

    /// <summary>Elements per work item (64 KiB of float32: stays in L2 with its output).</summary>
    public const int ChunkElements = 16 * 1024;

    /// <summary>Number of work items for <paramref name="count"/> elements (1 below the threshold).</summary>
    public static int Chunks(int count) => count < ParallelThreshold ? 1 : (count + ChunkElements - 1) / ChunkElements;
}
