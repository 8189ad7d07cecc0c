namespace Depthwise.Kernels.Quantized;

/// <summary>The row count of a quantized GEMM micro-tile as a type parameter (a JIT-time constant).</summary>
internal interface IQ8GemmTile
{
    /// <summary>Rows of C per tile.</summary>
    static abstract int MR { get; }
}

/// <summary>One row: the GEMV tile (M = 1, or the last row of an M ≡ 1 mod MR).</summary>
internal readonly struct Q8GemmRows1 : IQ8GemmTile
{
    public static int MR => 1;
}

/// <summary>Four rows (128-bit and scalar).</summary>
internal readonly struct Q8GemmRows4 : IQ8GemmTile
{
    public static int MR => 4;
}

/// <summary>Six rows (AVX2: 12 accumulators + 2 B + 1 broadcast of 16 ymm).</summary>
internal readonly struct Q8GemmRows6 : IQ8GemmTile
{
    public static int MR => 6;
}

/// <summary>Seven rows (AVX-512: 14 accumulators of 32 zmm; MobileNet maps are multiples of 7 pixels).</summary>
internal readonly struct Q8GemmRows7 : IQ8GemmTile
{
    public static int MR => 7;
}
