namespace Depthwise.Bench;

/// <summary>
/// One pointwise (1×1) convolution of MobileNetV2 as a GEMM: M = H·W output pixels, K = input channels,
/// N = output channels. <see cref="ToString"/> is the column label BenchmarkDotNet prints; shapes sort in network
/// order.
/// </summary>
public sealed record GemmShape(string Name, int M, int K, int N) : IComparable<GemmShape>, IComparable
{
    private static readonly GemmShape[] Layers =
    [
        new("112²×32→16", 112 * 112, 32, 16),   // block 1 projection
        new("56²×24→144", 56 * 56, 24, 144),    // block 3 expansion
        new("56²×96→24", 56 * 56, 96, 24),     // block 2 projection
        new("28²×144→32", 28 * 28, 144, 32),   // block 4 projection
        new("14²×384→64", 14 * 14, 384, 64),   // blocks 8-10 projection
        new("7²×960→160", 7 * 7, 960, 160),    // blocks 15-16 projection
        new("7²×320→1280", 7 * 7, 320, 1280),  // last pointwise conv
        new("1×1280→1000", 1, 1280, 1000),     // classifier
    ];

    /// <summary>The MobileNetV2 (224×224) pointwise layers the GEMM is tuned for, plus its classifier.</summary>
    public static IReadOnlyList<GemmShape> MobileNetV2 => Layers;

    /// <summary>Multiply-accumulates per call.</summary>
    public long Macs => (long)M * K * N;

    /// <inheritdoc/>
    public int CompareTo(GemmShape? other) =>
        other is null ? 1 : Array.IndexOf(Layers, this).CompareTo(Array.IndexOf(Layers, other));

    /// <inheritdoc/>
    public int CompareTo(object? obj) => CompareTo(obj as GemmShape);

    /// <summary>Earlier in the network.</summary>
    public static bool operator <(GemmShape left, GemmShape right) => left.CompareTo(right) < 0;

    /// <summary>Not later in the network.</summary>
    public static bool operator <=(GemmShape left, GemmShape right) => left.CompareTo(right) <= 0;

    /// <summary>Later in the network.</summary>
    public static bool operator >(GemmShape left, GemmShape right) => left.CompareTo(right) > 0;

    /// <summary>Not earlier in the network.</summary>
    public static bool operator >=(GemmShape left, GemmShape right) => left.CompareTo(right) >= 0;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
