namespace Depthwise.Tensors;

/// <summary>How <see cref="TensorComparison"/> judged a pair of tensors.</summary>
public enum ComparisonRule
{
    /// <summary>
    /// 8-bit quantized values (uint8/int8): every element within <see cref="ComparisonTolerance.QuantizedMaxDifference"/>
    /// steps and at least <see cref="ComparisonTolerance.QuantizedMinExactFraction"/> of them exactly equal. Also used for
    /// float values on a quantization grid (<see cref="TensorComparison.CompareQuantizedGrid"/>), counted in grid steps.
    /// </summary>
    Quantized,

    /// <summary>
    /// Float values: max |actual − expected| ≤ <see cref="ComparisonTolerance.Relative"/> × max |expected|; NaN must
    /// meet NaN, and ±infinity must meet the same infinity.
    /// </summary>
    RelativeFloat,

    /// <summary>Other integer and bool values (indices, counts, masks): every element equal.</summary>
    Exact,

    /// <summary>The tensors could not be compared element by element: their types or shapes differ.</summary>
    Mismatch,
}
