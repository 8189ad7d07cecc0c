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
        for (int i = 0; i < rank; i++) dims[i] = src[perm[i]];
        var outShape = new Shape(dims);
        int size = DataTypes.SizeOf(t.DataType);
        var srcStrides = src.Strides();
        var bytes = new byte[t.Bytes.Length];
        var from = t.Bytes.Span;
        var idx = new int[rank];
        for (int o = 0; o < outShape.ElementCount; o++)
        {
            int s = 0;
            for (int i = 0; i < rank; i++) s += idx[i] * srcStrides[perm[i]];
            from.Slice(s * size, size).CopyTo(bytes.AsSpan(o * size, size));
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++idx[i] < dims[i]) break;
                idx[i] = 0;
            }
        }
        QuantParams? q = t.Quant;
        if (q is { IsPerTensor: false }) q = new QuantParams(q.Scales.ToArray(), q.ZeroPoints.ToArray(), Array.IndexOf(perm, q.Axis));
        return new Tensor(t.DataType, outShape, bytes, q);
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
