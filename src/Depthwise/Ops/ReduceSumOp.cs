using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>ReduceSum: the sum over the reduced axes (0 over an empty group). Integer sums wrap, as in ONNX Runtime.</summary>
public sealed class ReduceSumOp : ReduceOp
{
    /// <inheritdoc />
    public override string OpType => "ReduceSum";

    /// <inheritdoc />
    protected override Kernel CreateKernel(DataType type, ReduceLayout layout) => type switch
    {
        DataType.Float32 => Create<float, double, FloatSumReducer<float>>(layout, default),
        DataType.Float16 => Create<Half, double, FloatSumReducer<Half>>(layout, default),
        DataType.Int32 => Create<int, long, IntegerSumReducer<int>>(layout, default),
        DataType.Int64 => Create<long, long, IntegerSumReducer<long>>(layout, default),
        DataType.Int8 => Create<sbyte, long, IntegerSumReducer<sbyte>>(layout, default),
        _ => Create<byte, long, IntegerSumReducer<byte>>(layout, default),
    };
}
