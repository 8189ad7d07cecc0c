namespace Depthwise.Tensors;

/// <summary>The thresholds of the comparison rules; the defaults are the TFLite-conformance ones.</summary>
public sealed record ComparisonTolerance
{
    /// <summary>The default: float error ≤ 1e-4 of the output's largest magnitude; 8-bit values ≤ 1 apart and ≥ 99 % equal.</summary>
    public static ComparisonTolerance Default { get; } = new();

    /// <summary>
    /// For models whose weights are stored as float16 (the MediaPipe face detectors and selfie segmentation): different
    /// builds of TFLite itself disagree more on them, so the float bound is 1e-3.
    /// </summary>
    public static ComparisonTolerance Float16Weights { get; } = new() { Relative = 1e-3 };

    /// <summary>Largest allowed max |actual − expected| as a fraction of max |expected| (float rule).</summary>
    public double Relative { get; init; } = 1e-4;

    /// <summary>Largest allowed |actual − expected| in quantization steps (quantized rule).</summary>
    public int QuantizedMaxDifference { get; init; } = 1;

    /// <summary>Smallest allowed fraction (0..1) of exactly equal elements (quantized rule).</summary>
    public double QuantizedMinExactFraction { get; init; } = 0.99;
}
