using System.Runtime.InteropServices;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Gather;

/// <summary>
/// Copies elements whose source index along each axis is read from a per-axis table: output element
/// (o0, o1, ...) takes input element (t0[o0] + t1[o1] + ...), where each table entry is already the input index times
/// the input stride of its axis, or -1 to write the fill value instead. This is the whole of Pad (constant, edge and
/// reflect differ only in their tables) and of nearest-neighbour Resize (extrapolated positions are -1).
/// Elements are moved as raw bits, so one kernel serves every element type of a given size.
/// </summary>
/// <typeparam name="T">A raw storage type of the element's size: byte, ushort, uint or ulong.</typeparam>
public sealed class AxisTableGatherKernel<T> : Kernel where T : unmanaged
{
    private readonly int[][] _tables;
    private readonly int[] _outDims;
    private readonly int _outCount;
    private readonly T _fill;
    private readonly int _fillInput;

    /// <summary>Creates the kernel.</summary>
    /// <param name="outDims">Output dimensions.</param>
    /// <param name="tables">Per axis, one entry per output index: input element offset along that axis, or -1 for the fill value.</param>
    /// <param name="fill">The fill value's bits.</param>
    /// <param name="fillInput">An input whose first element, when present at run time, replaces <paramref name="fill"/>; -1 for none.</param>
    public AxisTableGatherKernel(int[] outDims, int[][] tables, T fill, int fillInput = -1)
    {
        if (tables.Length != outDims.Length) throw new ArgumentException("one table per axis is required", nameof(tables));
        for (int d = 0; d < outDims.Length; d++)
            if (tables[d].Length != outDims[d]) throw new ArgumentException($"table {d} has {tables[d].Length} entries, expected {outDims[d]}", nameof(tables));
        _tables = tables;
        _outDims = outDims;
        long count = 1;
        foreach (int d in outDims) count *= d;
        _outCount = (int)count;
        _fill = fill;
        _fillInput = fillInput;
    }

    /// <summary>The kernel for an element type: picks the raw storage type of its size.</summary>
    public static Kernel For(DataType type, int[] outDims, int[][] tables, ulong fillBits, int fillInput = -1) => DataTypes.SizeOf(type) switch
    {
        1 => new AxisTableGatherKernel<byte>(outDims, tables, (byte)fillBits, fillInput),
        2 => new AxisTableGatherKernel<ushort>(outDims, tables, (ushort)fillBits, fillInput),
        4 => new AxisTableGatherKernel<uint>(outDims, tables, (uint)fillBits, fillInput),
        _ => new AxisTableGatherKernel<ulong>(outDims, tables, fillBits, fillInput),
    };

    /// <summary>
    /// The bits of a fill value stored as <paramref name="type"/>: the first element of <paramref name="value"/> when it has
    /// one (converted, saturating, from whatever numeric type it holds), else <paramref name="defaultValue"/>.
    /// </summary>
    public static ulong FillBits(DataType type, Tensor? value, double defaultValue)
    {
        if (value is { ElementCount: > 0 })
        {
            if (DataTypes.IsInteger(value.DataType) || value.DataType == DataType.Bool)
            {
                long v = value.ToInt64Array()[0];
                if (DataTypes.IsInteger(type) || type == DataType.Bool) return IntegerBits(type, v);
                return FillBits(type, (double)v);
            }
            return FillBits(type, value.ToFloatArray()[0]);
        }
        return FillBits(type, defaultValue);
    }

    /// <summary>The bits of <paramref name="value"/> converted (saturating) to <paramref name="type"/>.</summary>
    public static ulong FillBits(DataType type, double value) => type switch
    {
        DataType.Float32 => BitConverter.SingleToUInt32Bits((float)value),
        DataType.Float16 => BitConverter.HalfToUInt16Bits((Half)value),
        DataType.Bool => value != 0 ? 1UL : 0UL,
        _ => IntegerBits(type, double.IsNaN(value) ? 0 : long.CreateSaturating(value)),
    };

    private static ulong IntegerBits(DataType type, long v) => type switch
    {
        DataType.UInt8 => byte.CreateSaturating(v),
        DataType.Int8 => (byte)sbyte.CreateSaturating(v),
        DataType.Int32 => (uint)int.CreateSaturating(v),
        DataType.Bool => v != 0 ? 1UL : 0UL,
        DataType.Float32 or DataType.Float16 => FillBits(type, (double)v),
        _ => (ulong)v,
    };

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        var x = ctx.Input<T>(0);
        var y = ctx.Output<T>(0)[.._outCount];
        T fill = _fill;
        if (_fillInput >= 0 && ctx.HasInput(_fillInput))
        {
            var f = MemoryMarshal.Cast<byte, T>(ctx.InputBytes(_fillInput));
            if (f.Length > 0) fill = f[0];
        }
        int rank = _outDims.Length;
        if (rank == 0)
        {
            if (_outCount > 0) y[0] = x[0];
            return;
        }
        if (_outCount == 0) return;
        int inner = _outDims[rank - 1];
        var last = _tables[rank - 1];
        int rows = _outCount / inner;
        Span<int> idx = stackalloc int[rank];
        idx.Clear();
        int pos = 0;
        for (int r = 0; r < rows; r++)
        {
            int baseOffset = 0;
            bool isFill = false;
            for (int d = 0; d < rank - 1; d++)
            {
                int t = _tables[d][idx[d]];
                if (t < 0) { isFill = true; break; }
                baseOffset += t;
            }
            var row = y.Slice(pos, inner);
            if (isFill) row.Fill(fill);
            else
            {
                for (int k = 0; k < row.Length; k++)
                {
                    int t = last[k];
                    row[k] = t < 0 ? fill : x[baseOffset + t];
                }
            }
            pos += inner;
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++idx[d] < _outDims[d]) break;
                idx[d] = 0;
            }
        }
    }
}
