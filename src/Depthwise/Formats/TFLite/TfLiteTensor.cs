namespace Depthwise.Formats.TFLite;

/// <summary>TFLite's <c>TensorType</c> (schema.fbs).</summary>
internal enum TfLiteTensorType : sbyte
{
    FLOAT32 = 0, FLOAT16 = 1, INT32 = 2, UINT8 = 3, INT64 = 4, STRING = 5, BOOL = 6, INT16 = 7, COMPLEX64 = 8, INT8 = 9,
    FLOAT64 = 10, COMPLEX128 = 11, UINT64 = 12, RESOURCE = 13, VARIANT = 14, UINT32 = 15, UINT16 = 16, INT4 = 17,
}

/// <summary>
/// TFLite's <c>QuantizationParameters</c>: real = scale · (q − zero_point), per tensor (one scale) or per axis
/// (<see cref="QuantizedDimension"/>). <see cref="DetailsType"/> ≠ 0 means a custom scheme that replaces the rest.
/// </summary>
internal sealed record TfLiteQuantization(float[]? Min, float[]? Max, float[]? Scale, long[]? ZeroPoint, byte DetailsType, int QuantizedDimension)
{
    /// <summary>True when the tensor carries affine parameters (at least one scale).</summary>
    public bool HasScale => Scale is { Length: > 0 };
}

/// <summary>One entry of a subgraph's <c>tensors</c> (schema.fbs <c>Tensor</c>).</summary>
/// <param name="Index">Position in the subgraph's tensor list (what operators refer to).</param>
/// <param name="Shape">Dimensions (NHWC for images); a dynamic dim is given here as 1 and as −1 in <paramref name="ShapeSignature"/>.</param>
/// <param name="ShapeSignature">The shape with −1 for dims that may vary, when the model records it.</param>
/// <param name="Type">Element type.</param>
/// <param name="Buffer">Index into the model's buffers (0: no data).</param>
/// <param name="Name">Name (may be empty or repeated in a model).</param>
/// <param name="Quantization">Quantization parameters, when present.</param>
/// <param name="IsVariable">A variable (state) tensor.</param>
/// <param name="IsSparse">The tensor has sparsity parameters (its buffer is compressed).</param>
/// <param name="HasRank">The model says the rank is known (an empty shape is then a scalar, not "unknown").</param>
/// <param name="Path">Field path, for errors.</param>
internal sealed record TfLiteTensor(int Index, int[] Shape, int[]? ShapeSignature, TfLiteTensorType Type, uint Buffer, string Name,
    TfLiteQuantization? Quantization, bool IsVariable, bool IsSparse, bool HasRank, string Path)
{
    /// <summary>Number of elements of <see cref="Shape"/> (checked against the limits when the tensor is read).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"tensor #{Index} '{Name}'";
}
