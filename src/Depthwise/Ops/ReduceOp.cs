using System.Numerics;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Base of the ReduceXxx operators in their opset-18 form: input 0 is the data, optional input 1 the axes (int64,
/// constant, negative values count from the end). No axes, or an empty axes tensor, reduces every axis unless
/// <see cref="NoopWithEmptyAxes"/> is set, in which case the data passes through unchanged.
/// </summary>
public abstract class ReduceOp : Op
{
    /// <summary>ONNX <c>keepdims</c>: reduced axes stay as dimensions of size 1 (default true).</summary>
    public bool KeepDims { get; init; } = true;

    /// <summary>ONNX <c>noop_with_empty_axes</c>: with no axes the op is the identity rather than a full reduction.</summary>
    public bool NoopWithEmptyAxes { get; init; }

    /// <summary>Element types the operator accepts.</summary>
    protected virtual ReadOnlySpan<DataType> SupportedTypes =>
        [DataType.Float32, DataType.Float16, DataType.Int32, DataType.Int64, DataType.Int8, DataType.UInt8];

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index == 1;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ctx.ExpectType(0, SupportedTypes);
        var input = ctx.InputShape(0);
        var reduced = ReducedAxes(ctx);
        if (reduced is null)
        {
            ctx.SetOutput(0, ctx.InputType(0), input);
            return;
        }
        var dims = new List<int>(input.Rank);
        for (int d = 0; d < input.Rank; d++)
        {
            if (!reduced[d]) dims.Add(input[d]);
            else if (KeepDims) dims.Add(1);
        }
        ctx.SetOutput(0, ctx.InputType(0), new Shape(dims.ToArray()));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var reduced = ReducedAxes(ctx);
        if (reduced is null) return CopyKernel.Instance;
        return CreateKernel(ctx.InputType(0), new ReduceLayout(ctx.InputShape(0), reduced));
    }

    /// <summary>The kernel for an element type and a layout (see <see cref="Create{T, TAcc, TReducer}"/>).</summary>
    protected abstract Kernel CreateKernel(DataType type, ReduceLayout layout);

    /// <summary>A kernel running <paramref name="reducer"/> over each group of reduced elements.</summary>
    protected static Kernel Create<T, TAcc, TReducer>(ReduceLayout layout, TReducer reducer)
        where T : unmanaged where TReducer : struct, IReducer<T, TAcc>
        => new ReduceKernel<T, TAcc, TReducer>(layout, reducer);

    /// <summary>Which axes are reduced, or null when the op is the identity (empty axes with noop_with_empty_axes).</summary>
    private bool[]? ReducedAxes(OpContext ctx)
    {
        int rank = ctx.InputShape(0).Rank;
        long[] axes = [];
        if (ctx.HasInput(1))
        {
            var t = ctx.RequireConstant(1);
            if (!DataTypes.IsInteger(t.DataType)) throw ctx.Error($"axes must be int64, not {DataTypes.Name(t.DataType)}");
            if (t.Shape.Rank > 1) throw ctx.Error($"axes must be a 1-D tensor; it has shape {t.Shape}");
            axes = t.ToInt64Array();
        }
        var reduced = new bool[rank];
        if (axes.Length == 0)
        {
            if (NoopWithEmptyAxes) return null;
            Array.Fill(reduced, true);
            return reduced;
        }
        foreach (long a in axes)
        {
            if (a < -rank || a >= rank) throw ctx.Error($"axis {a} is out of range for rank {rank}");
            int d = (int)(a < 0 ? a + rank : a);
            if (reduced[d]) throw ctx.Error($"axis {a} is given twice");
            reduced[d] = true;
        }
        return reduced;
    }

    private sealed class ReduceKernel<T, TAcc, TReducer>(ReduceLayout layout, TReducer reducer) : Kernel
        where T : unmanaged where TReducer : struct, IReducer<T, TAcc>
    {
        private readonly TReducer _reducer = reducer;

        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<T>(0);
            var y = ctx.Output<T>(0);
            var l = layout;
            int keptRank = l.KeptDims.Length;
            Span<int> idx = stackalloc int[keptRank];
            idx.Clear();
            int baseOffset = 0;
            for (int o = 0; o < l.OutputCount; o++)
            {
                TAcc acc = _reducer.Seed;
                foreach (int r in l.ReducedOffsets)
                {
                    int p = baseOffset + r;
                    for (int k = 0; k < l.InnerCount; k++, p += l.InnerStride)
                        acc = _reducer.Add(acc, x[p]);
                }
                y[o] = _reducer.Finish(acc, l.ReducedCount);
                for (int d = keptRank - 1; d >= 0; d--)
                {
                    baseOffset += l.KeptStrides[d];
                    if (++idx[d] < l.KeptDims[d]) break;
                    baseOffset -= l.KeptStrides[d] * l.KeptDims[d];
                    idx[d] = 0;
                }
            }
        }
    }
}

/// <summary>
/// Where the elements of each reduction group lie in the input. Output element o (in row-major order over the kept axes)
/// reduces the input elements at base(o) + r + k·<see cref="InnerStride"/> for r in <see cref="ReducedOffsets"/> and k below
/// <see cref="InnerCount"/>; the innermost reduced axis is left out of the table so the table stays small.
/// </summary>
public sealed class ReduceLayout
{
    /// <summary>Builds the layout for reducing the axes marked in <paramref name="reduced"/> of <paramref name="input"/>.</summary>
    public ReduceLayout(Shape input, bool[] reduced)
    {
        var strides = input.Strides();
        var keptDims = new List<int>();
        var keptStrides = new List<int>();
        var redDims = new List<int>();
        var redStrides = new List<int>();
        long outCount = 1, redCount = 1;
        for (int d = 0; d < input.Rank; d++)
        {
            if (reduced[d]) { redDims.Add(input[d]); redStrides.Add(strides[d]); redCount *= input[d]; }
            else { keptDims.Add(input[d]); keptStrides.Add(strides[d]); outCount *= input[d]; }
        }
        KeptDims = keptDims.ToArray();
        KeptStrides = keptStrides.ToArray();
        OutputCount = (int)outCount;
        ReducedCount = (int)redCount;
        if (redDims.Count == 0)
        {
            InnerCount = 1;
            InnerStride = 0;
            ReducedOffsets = [0];
            return;
        }
        int last = redDims.Count - 1;
        InnerCount = redDims[last];
        InnerStride = redStrides[last];
        long tableSize = 1;
        for (int i = 0; i < last; i++) tableSize *= redDims[i];
        if (redCount == 0) tableSize = 0;
        var table = new int[tableSize];
        var idx = new int[last];
        for (int t = 0; t < table.Length; t++)
        {
            int off = 0;
            for (int i = 0; i < last; i++) off += idx[i] * redStrides[i];
            table[t] = off;
            for (int i = last - 1; i >= 0; i--)
            {
                if (++idx[i] < redDims[i]) break;
                idx[i] = 0;
            }
        }
        ReducedOffsets = table;
    }

    /// <summary>Dimensions of the kept axes, outermost first.</summary>
    public int[] KeptDims { get; }

    /// <summary>Input strides of the kept axes.</summary>
    public int[] KeptStrides { get; }

    /// <summary>Number of output elements.</summary>
    public int OutputCount { get; }

    /// <summary>Number of input elements each output element reduces (0 when a reduced axis is empty).</summary>
    public int ReducedCount { get; }

    /// <summary>Offsets, relative to a group's base, of the reduced elements with innermost reduced index 0.</summary>
    public int[] ReducedOffsets { get; }

    /// <summary>Length of the innermost reduced axis.</summary>
    public int InnerCount { get; }

    /// <summary>Input stride of the innermost reduced axis.</summary>
    public int InnerStride { get; }
}

/// <summary>A reduction as a struct the reduce kernel inlines: a seed, an accumulate step and a finishing step.</summary>
/// <typeparam name="T">Element type.</typeparam>
/// <typeparam name="TAcc">Accumulator type.</typeparam>
public interface IReducer<T, TAcc>
{
    /// <summary>The accumulator before any element.</summary>
    TAcc Seed { get; }

    /// <summary>Folds one element into the accumulator.</summary>
    TAcc Add(TAcc acc, T x);

    /// <summary>The result from the accumulator after <paramref name="count"/> elements.</summary>
    T Finish(TAcc acc, int count);
}

/// <summary>Sum of floating-point elements, accumulated in double.</summary>
public readonly struct FloatSumReducer<T> : IReducer<T, double> where T : IFloatingPoint<T>
{
    /// <inheritdoc />
    public double Seed => 0;

    /// <inheritdoc />
    public double Add(double acc, T x) => acc + double.CreateTruncating(x);

    /// <inheritdoc />
    public T Finish(double acc, int count) => T.CreateTruncating(acc);
}

/// <summary>Sum of integer elements, accumulated in 64 bits and wrapped to the element type (as ONNX Runtime does).</summary>
public readonly struct IntegerSumReducer<T> : IReducer<T, long> where T : IBinaryInteger<T>
{
    /// <inheritdoc />
    public long Seed => 0;

    /// <inheritdoc />
    public long Add(long acc, T x) => unchecked(acc + long.CreateTruncating(x));

    /// <inheritdoc />
    public T Finish(long acc, int count) => T.CreateTruncating(acc);
}

/// <summary>Mean of floating-point elements, accumulated in double; NaN for an empty group.</summary>
public readonly struct FloatMeanReducer<T> : IReducer<T, double> where T : IFloatingPoint<T>
{
    /// <inheritdoc />
    public double Seed => 0;

    /// <inheritdoc />
    public double Add(double acc, T x) => acc + double.CreateTruncating(x);

    /// <inheritdoc />
    public T Finish(double acc, int count) => T.CreateTruncating(acc / count);
}

/// <summary>Mean of integer elements: the 64-bit sum divided by the count, truncated (0 for an empty group).</summary>
public readonly struct IntegerMeanReducer<T> : IReducer<T, long> where T : IBinaryInteger<T>
{
    /// <inheritdoc />
    public long Seed => 0;

    /// <inheritdoc />
    public long Add(long acc, T x) => unchecked(acc + long.CreateTruncating(x));

    /// <inheritdoc />
    public T Finish(long acc, int count) => count == 0 ? T.Zero : T.CreateTruncating(acc / count);
}

/// <summary>Maximum; NaN wins over every number; an empty group gives the lowest value of the type (-∞ for floats).</summary>
public readonly struct MaxReducer<T> : IReducer<T, T> where T : INumber<T>, IMinMaxValue<T>
{
    /// <inheritdoc />
    public T Seed => T.CreateSaturating(double.NegativeInfinity);

    /// <inheritdoc />
    public T Add(T acc, T x) => x > acc || T.IsNaN(x) ? x : acc;

    /// <inheritdoc />
    public T Finish(T acc, int count) => acc;
}
