using System.Globalization;

namespace Depthwise.Tensors;

/// <summary>
/// The outcome of comparing one tensor with its reference. Numbers that do not apply to the rule are zero
/// (<see cref="ExactFraction"/> is also filled for the float rule, for information).
/// </summary>
public sealed record ComparisonResult
{
    /// <summary>Whether the tensor passed its rule.</summary>
    public required bool Passed { get; init; }

    /// <summary>The rule used.</summary>
    public required ComparisonRule Rule { get; init; }

    /// <summary>The reference's element type.</summary>
    public required DataType DataType { get; init; }

    /// <summary>The reference's shape.</summary>
    public required Shape Shape { get; init; }

    /// <summary>Elements compared.</summary>
    public int Count { get; init; }

    /// <summary>
    /// Largest |actual − expected| (in quantization steps for the quantized rule on a float grid); +infinity when a
    /// NaN or infinity is not matched.
    /// </summary>
    public double MaxAbsDifference { get; init; }

    /// <summary>Float rule: <see cref="MaxAbsDifference"/> / <see cref="Scale"/> (0 when both are 0, +infinity when only the scale is).</summary>
    public double RelativeError { get; init; }

    /// <summary>Float rule: max |expected| over its finite elements.</summary>
    public double Scale { get; init; }

    /// <summary>Fraction (0..1) of elements exactly equal (1 for empty tensors).</summary>
    public double ExactFraction { get; init; }

    /// <summary>Flat index of the element with the largest difference (−1 when every element is equal).</summary>
    public int WorstIndex { get; init; } = -1;

    /// <summary>The reference value at <see cref="WorstIndex"/>.</summary>
    public double WorstExpected { get; init; }

    /// <summary>The compared value at <see cref="WorstIndex"/>.</summary>
    public double WorstActual { get; init; }

    /// <summary>The tolerance the rule was applied with.</summary>
    public required ComparisonTolerance Tolerance { get; init; }

    /// <summary>Why the comparison failed, for <see cref="ComparisonRule.Mismatch"/> (type or shape); otherwise null.</summary>
    public string? MismatchReason { get; init; }

    /// <summary>The metric in a few words, e.g. <c>max |diff| 1, 99.87 % equal</c> or <c>max abs err 3.1e-06 = 2.4e-07 × max|expected| 12.9</c>.</summary>
    public string Metric => Rule switch
    {
        ComparisonRule.Quantized => string.Create(CultureInfo.InvariantCulture,
            $"max |diff| {FormatNumber(MaxAbsDifference)}, {100 * ExactFraction:0.00} % equal (allowed ≤ {Tolerance.QuantizedMaxDifference}, ≥ {100 * Tolerance.QuantizedMinExactFraction:0.##} %)"),
        ComparisonRule.RelativeFloat => string.Create(CultureInfo.InvariantCulture,
            $"max abs err {MaxAbsDifference:g3} = {RelativeError:g3} × max|expected| {Scale:g4} (allowed {Tolerance.Relative:g3})"),
        ComparisonRule.Exact => string.Create(CultureInfo.InvariantCulture,
            $"max |diff| {FormatNumber(MaxAbsDifference)}, {100 * ExactFraction:0.00} % equal (all must be equal)"),
        _ => MismatchReason ?? "not comparable",
    };

    /// <summary>Where the worst element is, e.g. <c>worst at [0,412]: expected 17, got 19</c>; empty when all are equal or not comparable.</summary>
    public string Worst
    {
        get
        {
            if (WorstIndex < 0 || Rule == ComparisonRule.Mismatch) return "";
            var index = new int[Shape.Rank];
            int rest = WorstIndex;
            for (int d = Shape.Rank - 1; d >= 0; d--) { index[d] = rest % Math.Max(1, Shape[d]); rest /= Math.Max(1, Shape[d]); }
            return string.Create(CultureInfo.InvariantCulture, $"worst at {Shape.Format(index)}: expected {WorstExpected:g7}, got {WorstActual:g7}");
        }
    }

    private static string FormatNumber(double v) =>
        double.IsPositiveInfinity(v) ? "inf" : v.ToString(v == Math.Floor(v) ? "0" : "g4", CultureInfo.InvariantCulture);
}
