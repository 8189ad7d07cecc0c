using System.Runtime.InteropServices;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.TFLite;

/// <summary>
/// The TFLite operator table: one row per builtin operator (or custom code) that turns the operator into IR node(s).
/// Each operator family adds its rows in its own file (a partial of this class). Rows read the operator's options
/// once into typed IR attributes; TFLite's NHWC data keeps its layout (IR ops with a channels-last form take
/// <see cref="ChannelLayout.ChannelsLast"/>), and constant weights are permuted here into the IR's layouts.
/// </summary>
internal static partial class TfLiteOpTable
{
    private static readonly Dictionary<int, Action<TfLiteNode>> Builtins = [];
    private static readonly Dictionary<string, Action<TfLiteNode>> Customs = new(StringComparer.Ordinal);

    static TfLiteOpTable()
    {
        AddConvRows();
        AddElementwiseRows();
        AddTensorRows();
        AddQuantizationRows();
        AddCustomRows();
    }

    /// <summary>The builtin operators the table maps (for docs and tests).</summary>
    public static IEnumerable<TfLiteBuiltinOperator> BuiltinOperators => Builtins.Keys.Select(k => (TfLiteBuiltinOperator)k).Order();

    /// <summary>The custom operator codes the table maps (for docs and tests).</summary>
    public static IEnumerable<string> CustomCodes => Customs.Keys.Order(StringComparer.Ordinal);

    /// <summary>The row for an operator code, or null when Depthwise does not implement it.</summary>
    public static Action<TfLiteNode>? Find(TfLiteOperatorCode code)
    {
        if (code.Builtin == (int)TfLiteBuiltinOperator.CUSTOM)
            return code.CustomCode is { } c && Customs.TryGetValue(c, out var custom) ? custom : null;
        return Builtins.GetValueOrDefault(code.Builtin);
    }

    private static void Row(TfLiteBuiltinOperator op, Action<TfLiteNode> import) => Builtins.Add((int)op, import);

    private static void Custom(string code, Action<TfLiteNode> import) => Customs.Add(code, import);

    static partial void AddConvRows();
    static partial void AddElementwiseRows();
    static partial void AddTensorRows();
    static partial void AddQuantizationRows();
    static partial void AddCustomRows();

    /// <summary>
    /// <paramref name="v"/> with its dims permuted (out dim i = in dim perm[i]): a constant is permuted here, once (its
    /// per-axis quantization axis follows its dim); a computed value (e.g. float16 weights behind DEQUANTIZE) gets a
    /// Transpose node, which constant folding removes when the session is created.
    /// </summary>
    internal static Value Permuted(TfLiteNode n, Value v, int[] perm, string stem)
    {
        if (v.Constant is { } c)
        {
            if (c.Shape.Rank != perm.Length) throw n.Invalid($"'{v.Name}' has shape {c.Shape}; expected rank {perm.Length}");
            var t = Permute(c, perm);
            var value = n.AddConstant(stem, t);
            value.Quant = t.Quant;
            return value;
        }
        return n.AddTemp(stem, new TransposeOp { Perm = perm }, v);
    }

    /// <summary>A copy of <paramref name="t"/> with its dims permuted; per-axis quantization moves with its axis.</summary>
    internal static Tensor Permute(Tensor t, int[] perm)
    {
        var src = t.Shape;
        int rank = src.Rank;
        var dims = new int[rank];
        var srcStrides = src.Strides();
        var strides = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = src[perm[i]];
            strides[i] = srcStrides[perm[i]];
        }
        QuantParams? q = t.Quant;
        if (q is { IsPerTensor: false }) q = new QuantParams(q.Scales.ToArray(), q.ZeroPoints.ToArray(), Array.IndexOf(perm, q.Axis));
        // Dims of size 1 never move data: without them the permutation is often the identity (1×1 filters), and
        // otherwise the loops run over the dims that matter.
        var keptDims = new List<int>(rank);
        var keptStrides = new List<int>(rank);
        for (int i = 0; i < rank; i++)
        {
            if (dims[i] == 1) continue;
            keptDims.Add(dims[i]);
            keptStrides.Add(strides[i]);
        }
        bool identity = true;
        for (int i = 1; i < keptStrides.Count; i++) identity &= keptStrides[i - 1] > keptStrides[i];
        if (identity) return new Tensor(t.DataType, new Shape(dims), t.Bytes, q);
        var bytes = new byte[t.Bytes.Length];
        var from = t.Bytes.Span;
        int[] d = [.. keptDims], st = [.. keptStrides];
        switch (DataTypes.SizeOf(t.DataType))
        {
            case 1: PermuteCore(from, bytes, d, st); break;
            case 2: PermuteCore(MemoryMarshal.Cast<byte, short>(from), MemoryMarshal.Cast<byte, short>(bytes.AsSpan()), d, st); break;
            case 4: PermuteCore(MemoryMarshal.Cast<byte, int>(from), MemoryMarshal.Cast<byte, int>(bytes.AsSpan()), d, st); break;
            default: PermuteCore(MemoryMarshal.Cast<byte, long>(from), MemoryMarshal.Cast<byte, long>(bytes.AsSpan()), d, st); break;
        }
        return new Tensor(t.DataType, new Shape(dims), bytes, q);
    }

    /// <summary>dst in row-major order of <paramref name="dims"/>, reading src at Σ index·<paramref name="strides"/>.</summary>
    private static void PermuteCore<T>(ReadOnlySpan<T> src, Span<T> dst, int[] dims, int[] strides) where T : unmanaged
    {
        int rank = dims.Length;
        if (dst.Length == 0) return;
        if (rank == 0) { dst[0] = src[0]; return; }
        int inner = dims[rank - 1], innerStride = strides[rank - 1];
        var idx = new int[rank];
        int o = 0;
        for (int rows = dst.Length / inner; rows > 0; rows--)
        {
            int s = 0;
            for (int i = 0; i < rank - 1; i++) s += idx[i] * strides[i];
            for (int k = 0; k < inner; k++, s += innerStride) dst[o++] = src[s];
            for (int i = rank - 2; i >= 0; i--)
            {
                if (++idx[i] < dims[i]) break;
                idx[i] = 0;
            }
        }
    }

    /// <summary>Throws unless the tensor has rank <paramref name="rank"/>.</summary>
    internal static void ExpectRank(TfLiteNode n, TfLiteTensor t, int rank, string what)
    {
        if (t.Shape.Length != rank)
            throw n.Invalid($"{what} {t} has shape [{string.Join(",", t.Shape)}]; expected rank {rank}");
    }

    /// <summary>The tensor's shape as an int64 array (for Reshape targets).</summary>
    internal static long[] Longs(int[] dims) => Array.ConvertAll(dims, d => (long)d);
}
