using System.Numerics;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// ArgMax and ArgMin (one class; <see cref="Min"/> picks which): the index of the largest (smallest) element along
/// <see cref="Axis"/>. Ties give the first index, or the last when <see cref="SelectLastIndex"/> is set. A NaN never
/// wins against an earlier number (it does not compare greater or smaller), as in TensorFlow Lite's ARG_MAX/ARG_MIN.
/// Serves ONNX ArgMax/ArgMin (int64 output) and TFLite ARG_MAX/ARG_MIN (TFLite's constant <c>axis</c> input becomes
/// <see cref="Axis"/>, <c>KeepDims = false</c>, its <c>output_type</c> becomes <see cref="OutputType"/>). Quantized
/// inputs compare their stored values (scales are positive, so the order is the real values' order).
/// </summary>
public sealed class ArgMaxOp : Op
{
    /// <summary>ArgMin instead of ArgMax.</summary>
    public bool Min { get; init; }

    /// <summary>ONNX <c>axis</c> (default 0); negative counts from the end.</summary>
    public int Axis { get; init; }

    /// <summary>ONNX <c>keepdims</c> (default true): the reduced axis stays as a dimension of size 1.</summary>
    public bool KeepDims { get; init; } = true;

    /// <summary>ONNX <c>select_last_index</c> (opset 12): ties give the last index instead of the first.</summary>
    public bool SelectLastIndex { get; init; }

    /// <summary>Index type of the output: <see cref="DataType.Int64"/> (ONNX; default) or <see cref="DataType.Int32"/> (TFLite's <c>output_type</c>).</summary>
    public DataType OutputType { get; init; } = DataType.Int64;

    /// <inheritdoc />
    public override string OpType => Min ? "ArgMin" : "ArgMax";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.ExpectType(0, DataType.Float32, DataType.Float16, DataType.UInt8, DataType.Int8, DataType.Int32, DataType.Int64);
        if (OutputType is not (DataType.Int64 or DataType.Int32))
            throw ctx.Error($"output type must be int64 or int32, not {DataTypes.Name(OutputType)}");
        var input = ctx.InputShape(0);
        int axis = ResolveAxis(ctx);
        if (input[axis] == 0) throw ctx.Error($"axis {Axis} of {input} is empty: there is no index to return");
        var dims = new List<int>(input.Rank);
        for (int d = 0; d < input.Rank; d++)
        {
            if (d != axis) dims.Add(input[d]);
            else if (KeepDims) dims.Add(1);
        }
        ctx.SetOutput(0, OutputType, new Shape(dims.ToArray()));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var input = ctx.InputShape(0);
        int axis = ResolveAxis(ctx);
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= input[d];
        for (int d = axis + 1; d < input.Rank; d++) inner *= input[d];
        var g = new Geometry((int)outer, input[axis], (int)inner, Min, SelectLastIndex);
        bool i32 = OutputType == DataType.Int32;
        return ctx.InputType(0) switch
        {
            DataType.Float32 => Create<float>(g, i32),
            DataType.Float16 => Create<Half>(g, i32),
            DataType.UInt8 => Create<byte>(g, i32),
            DataType.Int8 => Create<sbyte>(g, i32),
            DataType.Int32 => Create<int>(g, i32),
            _ => Create<long>(g, i32),
        };
    }

    private static Kernel Create<T>(Geometry g, bool i32) where T : unmanaged, INumber<T> =>
        i32 ? new ReferenceKernel<T, int>(g) : new ReferenceKernel<T, long>(g);

    private int ResolveAxis(OpContext ctx)
    {
        int rank = ctx.InputShape(0).Rank;
        if (rank == 0) throw ctx.Error("the input must have rank 1 or more");
        if (Axis < -rank || Axis >= rank) throw ctx.Error($"axis {Axis} is out of range for rank {rank}");
        return Axis < 0 ? Axis + rank : Axis;
    }

    /// <summary>[outer, axis, inner] view of the input and the comparison to apply.</summary>
    private readonly record struct Geometry(int Outer, int Length, int Inner, bool Min, bool Last);

    /// <summary>
    /// For each (outer, inner) position, scans the axis keeping the best index. "Better" is strictly greater (smaller),
    /// or greater-or-equal (smaller-or-equal) when the last of equal values should win.
    /// </summary>
    private sealed class ReferenceKernel<T, TIndex>(Geometry g) : Kernel
        where T : unmanaged, INumber<T> where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<T>(0);
            var y = ctx.Output<TIndex>(0);
            int n = g.Length, inner = g.Inner;
            for (int o = 0; o < g.Outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int at = o * n * inner + i;
                T best = x[at];
                int bestIndex = 0;
                for (int k = 1; k < n; k++)
                {
                    T v = x[at + k * inner];
                    bool better = g.Min
                        ? (g.Last ? v <= best : v < best)
                        : (g.Last ? v >= best : v > best);
                    if (better) { best = v; bestIndex = k; }
                }
                y[o * inner + i] = TIndex.CreateTruncating(bestIndex);
            }
        }
    }
}
