namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// Runs operator structs whose inputs have different element types or are more than two, with numpy broadcasting
/// over a <see cref="BroadcastLayout"/> (walked by <see cref="BroadcastCursor"/>). Same-type binary operators use
/// <see cref="BinaryDriver"/>; variadic folds (Sum, Max...) apply <see cref="BinaryDriver"/> once per input.
/// </summary>
public static class NaryDriver
{
    /// <summary>y = op(a, b) broadcast, where a and b may have different element types.</summary>
    public static void Run<TA, TB, TOut, TOp>(in TOp op, BroadcastLayout layout, ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, Span<TOut> y)
        where TOp : struct, IMixedBinaryOperator<TA, TB, TOut>
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.OutputCount == 0) return;
        int inner = layout.InnerLength, last = layout.Dims.Length - 1;
        int sa = layout.Strides[0][last], sb = layout.Strides[1][last];
        var cursor = new BroadcastCursor(layout, stackalloc int[layout.Dims.Length], stackalloc int[2]);
        do
        {
            int oa = cursor.Offset(0), ob = cursor.Offset(1);
            var yy = y.Slice(cursor.OutputOffset, inner);
            for (int i = 0; i < yy.Length; i++) yy[i] = op.Invoke(a[oa + i * sa], b[ob + i * sb]);
        }
        while (cursor.MoveNext());
    }

    /// <summary>y = op(a, b, c) broadcast; the three inputs may have different element types.</summary>
    public static void Run<TA, TB, TC, TOut, TOp>(in TOp op, BroadcastLayout layout, ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, ReadOnlySpan<TC> c, Span<TOut> y)
        where TOp : struct, ITernaryOperator<TA, TB, TC, TOut>
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.OutputCount == 0) return;
        int inner = layout.InnerLength, last = layout.Dims.Length - 1;
        int sa = layout.Strides[0][last], sb = layout.Strides[1][last], sc = layout.Strides[2][last];
        var cursor = new BroadcastCursor(layout, stackalloc int[layout.Dims.Length], stackalloc int[3]);
        do
        {
            int oa = cursor.Offset(0), ob = cursor.Offset(1), oc = cursor.Offset(2);
            var yy = y.Slice(cursor.OutputOffset, inner);
            for (int i = 0; i < yy.Length; i++) yy[i] = op.Invoke(a[oa + i * sa], b[ob + i * sb], c[oc + i * sc]);
        }
        while (cursor.MoveNext());
    }
}
