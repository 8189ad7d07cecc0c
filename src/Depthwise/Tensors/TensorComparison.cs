namespace Depthwise.Tensors;

/// <summary>
/// The one set of rules by which Depthwise's outputs are judged against a reference engine's (TensorFlow Lite, ONNX
/// Runtime): <c>depthwise verify</c> and the conformance tests both call it.
/// <list type="bullet">
/// <item><b>uint8 / int8</b> (quantized outputs): max |actual − expected| ≤ 1 and ≥ 99 % of the elements exactly equal.
/// Two correct engines may round an intermediate requantization differently (e.g. TFLite's fixed-point multiplier vs
/// XNNPACK's float one), which moves a few outputs by one step, never more.</item>
/// <item><b>float32 / float16</b>: max |actual − expected| ≤ 1e-4 × max |expected| (1e-3 for float16-weight models;
/// <see cref="ComparisonTolerance.Relative"/>). Relative to the largest magnitude, not per element, so values near zero
/// are not held to an impossible relative bound.</item>
/// <item><b>int32 / int64 / bool</b>: exactly equal.</item>
/// </list>
/// Types and shapes must be equal, or the result is <see cref="ComparisonRule.Mismatch"/> (failed).
/// </summary>
public static class TensorComparison
{
    /// <summary>Compares <paramref name="actual"/> with the reference <paramref name="expected"/> by the rule of the reference's type.</summary>
    public static ComparisonResult Compare(Tensor expected, Tensor actual, ComparisonTolerance? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        tolerance ??= ComparisonTolerance.Default;
        if (Mismatch(expected, actual, tolerance) is { } mismatch) return mismatch;
        return expected.DataType switch
        {
            DataType.UInt8 or DataType.Int8 => CompareSteps(expected.ToFloatArray(), actual.ToFloatArray(), 1, expected, tolerance),
            DataType.Float32 or DataType.Float16 => CompareFloats(expected.ToFloatArray(), actual.ToFloatArray(), expected, tolerance),
            _ => CompareExact(expected.ToInt64Array(), actual.ToInt64Array(), expected, tolerance),
        };
    }

    /// <summary>
    /// Compares float tensors whose values lie on a quantization grid of spacing <paramref name="step"/> (e.g. the output
    /// of a final DequantizeLinear) by the quantized rule, counting differences in steps (rounded to the nearest step).
    /// </summary>
    public static ComparisonResult CompareQuantizedGrid(Tensor expected, Tensor actual, double step, ComparisonTolerance? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (!(step > 0) || double.IsInfinity(step)) throw new ArgumentOutOfRangeException(nameof(step), step, "the grid step must be positive and finite");
        tolerance ??= ComparisonTolerance.Default;
        if (Mismatch(expected, actual, tolerance) is { } mismatch) return mismatch;
        if (!DataTypes.IsFloat(expected.DataType))
            throw new ArgumentException($"a quantization grid compares float tensors; this one holds {DataTypes.Name(expected.DataType)}", nameof(expected));
        return CompareSteps(expected.ToFloatArray(), actual.ToFloatArray(), step, expected, tolerance);
    }

    private static ComparisonResult? Mismatch(Tensor expected, Tensor actual, ComparisonTolerance tolerance)
    {
        string? reason = null;
        if (expected.DataType != actual.DataType)
            reason = $"type differs: expected {DataTypes.Name(expected.DataType)}, got {DataTypes.Name(actual.DataType)}";
        else if (expected.Shape != actual.Shape)
            reason = $"shape differs: expected {expected.Shape}, got {actual.Shape}";
        else if (expected.DataType is not (DataType.UInt8 or DataType.Int8 or DataType.Float32 or DataType.Float16
                 or DataType.Int32 or DataType.Int64 or DataType.Bool))
            reason = $"cannot compare {DataTypes.Name(expected.DataType)} tensors";
        return reason is null ? null : new ComparisonResult
        {
            Passed = false, Rule = ComparisonRule.Mismatch, DataType = expected.DataType, Shape = expected.Shape,
            Tolerance = tolerance, MismatchReason = reason,
        };
    }

    private static ComparisonResult CompareSteps(float[] e, float[] a, double step, Tensor expected, ComparisonTolerance tolerance)
    {
        double maxSteps = 0;
        int equal = 0, worst = -1;
        for (int i = 0; i < e.Length; i++)
        {
            double steps = (double.IsNaN(e[i]) || double.IsNaN(a[i])) ? (double.IsNaN(e[i]) && double.IsNaN(a[i]) ? 0 : double.PositiveInfinity)
                : e[i] == a[i] ? 0 : Math.Round(Math.Abs((double)a[i] - e[i]) / step);
            if (double.IsNaN(steps)) steps = double.PositiveInfinity;   // inf − inf
            if (steps == 0) equal++;
            if (steps > maxSteps) { maxSteps = steps; worst = i; }
        }
        double exact = e.Length == 0 ? 1 : (double)equal / e.Length;
        return new ComparisonResult
        {
            Passed = maxSteps <= tolerance.QuantizedMaxDifference && exact >= tolerance.QuantizedMinExactFraction,
            Rule = ComparisonRule.Quantized, DataType = expected.DataType, Shape = expected.Shape, Count = e.Length,
            MaxAbsDifference = maxSteps, ExactFraction = exact, Tolerance = tolerance,
            WorstIndex = worst, WorstExpected = worst >= 0 ? e[worst] : 0, WorstActual = worst >= 0 ? a[worst] : 0,
        };
    }

    private static ComparisonResult CompareFloats(float[] e, float[] a, Tensor expected, ComparisonTolerance tolerance)
    {
        double maxDiff = 0, scale = 0;
        int equal = 0, worst = -1;
        for (int i = 0; i < e.Length; i++)
        {
            float x = e[i], y = a[i];
            if (float.IsFinite(x)) scale = Math.Max(scale, Math.Abs(x));
            double diff;
            if (x.Equals(y)) diff = 0;                                   // also NaN = NaN and inf = inf
            else if (!float.IsFinite(x) || !float.IsFinite(y)) diff = double.PositiveInfinity;
            else diff = Math.Abs((double)y - x);
            if (diff == 0) equal++;
            if (diff > maxDiff) { maxDiff = diff; worst = i; }
        }
        double relative = maxDiff == 0 ? 0 : scale == 0 ? double.PositiveInfinity : maxDiff / scale;
        return new ComparisonResult
        {
            Passed = relative <= tolerance.Relative,
            Rule = ComparisonRule.RelativeFloat, DataType = expected.DataType, Shape = expected.Shape, Count = e.Length,
            MaxAbsDifference = maxDiff, RelativeError = relative, Scale = scale,
            ExactFraction = e.Length == 0 ? 1 : (double)equal / e.Length, Tolerance = tolerance,
            WorstIndex = worst, WorstExpected = worst >= 0 ? e[worst] : 0, WorstActual = worst >= 0 ? a[worst] : 0,
        };
    }

    private static ComparisonResult CompareExact(long[] e, long[] a, Tensor expected, ComparisonTolerance tolerance)
    {
        double maxDiff = 0;
        int equal = 0, worst = -1;
        for (int i = 0; i < e.Length; i++)
        {
            double diff = Math.Abs((double)a[i] - e[i]);
            if (diff == 0) equal++;
            if (diff > maxDiff) { maxDiff = diff; worst = i; }
        }
        return new ComparisonResult
        {
            Passed = equal == e.Length,
            Rule = ComparisonRule.Exact, DataType = expected.DataType, Shape = expected.Shape, Count = e.Length,
            MaxAbsDifference = maxDiff, ExactFraction = e.Length == 0 ? 1 : (double)equal / e.Length, Tolerance = tolerance,
            WorstIndex = worst, WorstExpected = worst >= 0 ? e[worst] : 0, WorstActual = worst >= 0 ? a[worst] : 0,
        };
    }
}
