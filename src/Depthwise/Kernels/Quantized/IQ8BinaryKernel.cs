namespace Depthwise.Kernels.Quantized;

/// <summary>
/// An 8-bit quantized binary elementwise kernel (bytes in, bytes out: uint8 data, or int8 data as its bit patterns),
/// run with numpy broadcasting by <see cref="Q8BinaryDriver"/>. The row forms exist because runtimes round the
/// broadcast-scalar case differently (ONNX Runtime folds the scalar into a constant first).
/// </summary>
internal interface IQ8BinaryKernel
{
    /// <summary>One element, for rows whose inputs are neither contiguous nor broadcast scalars.</summary>
    byte Invoke(byte a, byte b);

    /// <summary>y[i] = op(a[i], b[i]) over equal lengths.</summary>
    void Both(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> y);

    /// <summary>y[i] = op(a, b[i]).</summary>
    void ScalarA(byte a, ReadOnlySpan<byte> b, Span<byte> y);

    /// <summary>y[i] = op(a[i], b).</summary>
    void ScalarB(ReadOnlySpan<byte> a, byte b, Span<byte> y);
}
