namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The span loops of an <see cref="IQ8BinaryKernel"/> without a vector path (quantized Mul, Div, PRelu): each output
/// element through the kernel's own <see cref="IQ8BinaryKernel.Invoke"/>, for two spans or one side broadcast.
/// </summary>
internal static class Q8ElementLoops
{
    /// <summary>y[i] = op(a[i], b[i]).</summary>
    public static void Both<T>(in T op, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> y) where T : struct, IQ8BinaryKernel
    {
        for (int i = 0; i < y.Length; i++) y[i] = op.Invoke(a[i], b[i]);
    }

    /// <summary>y[i] = op(a, b[i]).</summary>
    public static void ScalarA<T>(in T op, byte a, ReadOnlySpan<byte> b, Span<byte> y) where T : struct, IQ8BinaryKernel
    {
        for (int i = 0; i < y.Length; i++) y[i] = op.Invoke(a, b[i]);
    }

    /// <summary>y[i] = op(a[i], b).</summary>
    public static void ScalarB<T>(in T op, ReadOnlySpan<byte> a, byte b, Span<byte> y) where T : struct, IQ8BinaryKernel
    {
        for (int i = 0; i < y.Length; i++) y[i] = op.Invoke(a[i], b);
    }
}
