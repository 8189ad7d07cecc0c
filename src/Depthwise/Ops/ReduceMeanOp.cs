using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>ReduceMean: the arithmetic mean over the reduced axes (NaN over an empty group; integer means truncate).</summary>
public sealed class ReduceMeanOp : ReduceOp
{
    /// <inheritdoc />
    public override string OpType => "ReduceMean";

    /// <inheritdoc />
    protected override Kernel CreateKernel(DataType type, ReduceLayout layout) => type switch
    {
        DataType.Float32 => Create<float, double, FloatMeanReducer<float>>(layout, default),
        DataType.Float16 => Create<Half, double, FloatMeanReducer<Half>>(layout, default),
        DataType.Int32 => Create<int, long, IntegerMeanReducer<int>>(layout, default),
        DataType.Int64 => Create<long, long, IntegerMeanReducer<long>>(layout, default),
        DataType.Int8 => Create<sbyte, long, IntegerMeanReducer<sbyte>>(layout, default),
        _ => Create<byte, long, IntegerMeanReducer<byte>>(layout, default),
    };
}
