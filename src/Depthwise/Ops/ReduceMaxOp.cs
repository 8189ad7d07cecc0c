using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>ReduceMax: the maximum over the reduced axes (NaN propagates; an empty group gives -∞ or the type's minimum).</summary>
public sealed class ReduceMaxOp : ReduceOp
{
    /// <inheritdoc />
    public override string OpType => "ReduceMax";

    /// <inheritdoc />
    protected override Kernel CreateKernel(DataType type, ReduceLayout layout) => type switch
    {
        DataType.Float32 => Create<float, float, MaxReducer<float>>(layout, default),
        DataType.Float16 => Create<Half, Half, MaxReducer<Half>>(layout, default),
        DataType.Int32 => Create<int, int, MaxReducer<int>>(layout, default),
        DataType.Int64 => Create<long, long, MaxReducer<long>>(layout, default),
        DataType.Int8 => Create<sbyte, sbyte, MaxReducer<sbyte>>(layout, default),
        _ => Create<byte, byte, MaxReducer<byte>>(layout, default),
    };
}
