using Depthwise.Tensors;

namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// Precomputed iteration layout for a numpy-style broadcast of one or more inputs to an output shape. Adjacent
/// dimensions that broadcast the same way in every input are merged, so the inner loop is as long as possible.
/// Built once when a kernel is created.
/// </summary>
public sealed class BroadcastLayout
{
    /// <summary>Builds the layout for inputs of <paramref name="inputs"/> shapes broadcast to <paramref name="output"/>.</summary>
    public BroadcastLayout(Shape output, params Shape[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int rank = output.Rank;
        // Per input: stride of each output dim (0 when broadcast).
        var strides = new int[inputs.Length][];
        for (int k = 0; k < inputs.Length; k++)
        {
            var s = inputs[k];
            if (s.Rank > rank) throw new ArgumentException($"input shape {s} has higher rank than output {output}");
            strides[k] = new int[rank];
            int acc = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                int sd = d - (rank - s.Rank);
                int dim = sd >= 0 ? s[sd] : 1;
                if (dim != 1 && dim != output[d]) throw new ArgumentException($"shape {s} does not broadcast to {output}");
                strides[k][d] = dim == 1 ? 0 : acc;
                acc *= dim;
            }
        }
        // Merge dims d-1 and d when every input's stride pattern is contiguous across them.
        var dims = new List<int>();
        var merged = new List<int[]>();
        for (int d = 0; d < rank; d++)
        {
            if (output[d] == 1) continue;
            if (dims.Count > 0)
            {
                int last = dims.Count - 1;
                bool canMerge = true;
                for (int k = 0; k < inputs.Length && canMerge; k++)
                {
                    int prev = merged[last][k], cur = strides[k][d];
                    canMerge = (prev == 0 && cur == 0) || (prev != 0 && cur != 0 && prev == cur * output[d]);
                }
                if (canMerge)
                {
                    dims[last] *= output[d];
                    for (int k = 0; k < inputs.Length; k++) merged[last][k] = strides[k][d];
                    continue;
                }
            }
            dims.Add(output[d]);
            var st = new int[inputs.Length];
            for (int k = 0; k < inputs.Length; k++) st[k] = strides[k][d];
            merged.Add(st);
        }
        if (dims.Count == 0) { dims.Add(1); merged.Add(new int[inputs.Length]); }
        Dims = dims.ToArray();
        Strides = new int[inputs.Length][];
        for (int k = 0; k < inputs.Length; k++) Strides[k] = merged.Select(m => m[k]).ToArray();
        OutputCount = output.ElementCount;
    }

    /// <summary>Merged output dimensions (at least one).</summary>
    public int[] Dims { get; }

    /// <summary>Per input, its element stride along each merged dimension (0 = broadcast).</summary>
    public int[][] Strides { get; }

    /// <summary>Number of output elements.</summary>
    public int OutputCount { get; }

    /// <summary>Length of the innermost loop.</summary>
    public int InnerLength => Dims[^1];
}
