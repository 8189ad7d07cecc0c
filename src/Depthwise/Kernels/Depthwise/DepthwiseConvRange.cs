namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// A slice of a depthwise convolution's work for a threading layer: the output rows
/// [<see cref="Start"/>, <see cref="End"/>) of the flattened (image, output row) index <c>n·OH + oy</c>.
/// Every output pixel is computed by the same code whatever the slicing, so any split of
/// [0, <see cref="DepthwiseConvShape.RowCount"/>) into ranges gives bit-identical results.
/// </summary>
public readonly record struct DepthwiseConvRange(int Start, int End)
{
    /// <summary>Number of output rows in the range.</summary>
    public int Count => End - Start;

    /// <summary>True when the range holds no row.</summary>
    public bool IsEmpty => End <= Start;

    /// <summary>Every output row of every image.</summary>
    public static DepthwiseConvRange Full(in DepthwiseConvShape shape) => new(0, shape.RowCount);

    /// <summary>Output rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) of image <paramref name="batch"/>.</summary>
    public static DepthwiseConvRange Rows(in DepthwiseConvShape shape, int batch, int rowStart, int rowEnd)
    {
        if ((uint)batch >= (uint)shape.Batch) throw new ArgumentOutOfRangeException(nameof(batch));
        if (rowStart < 0 || rowEnd > shape.OutputHeight || rowStart > rowEnd)
            throw new ArgumentOutOfRangeException(nameof(rowStart), $"rows [{rowStart}, {rowEnd}) outside [0, {shape.OutputHeight})");
        int first = batch * shape.OutputHeight;
        return new(first + rowStart, first + rowEnd);
    }

    /// <summary>
    /// Part <paramref name="index"/> of <paramref name="parts"/> near-equal contiguous parts of the whole work
    /// (the first <c>RowCount mod parts</c> parts get one row more); some parts are empty when there are fewer rows.
    /// </summary>
    public static DepthwiseConvRange Split(in DepthwiseConvShape shape, int parts, int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        if ((uint)index >= (uint)parts) throw new ArgumentOutOfRangeException(nameof(index));
        int total = shape.RowCount, q = total / parts, r = total % parts;
        int start = index * q + Math.Min(index, r);
        return new(start, start + q + (index < r ? 1 : 0));
    }
}
