using System.Runtime.InteropServices;

namespace Depthwise.Ops;

/// <summary>
/// Copies input 0 into output 0 through a strided view of the input: the output element at row-major index
/// (i0, ..., ik) reads input element <c>base + Σ i_d·stride_d</c>. Transpose (permuted strides), Slice (start offset,
/// strides times steps, negative for reversed axes) and Expand (stride 0 on broadcast axes) are all this one kernel.
/// Elements are moved as opaque 1-, 2-, 4- or 8-byte words, so every element type shares one implementation per size.
/// Dims of size 1 are dropped and adjacent dims that walk the input contiguously are merged when the kernel is created,
/// so the inner loop is as long as possible and is a block copy when its stride is 1.
/// </summary>
public abstract class StridedCopyKernel : Kernel
{
    private StridedCopyKernel() { }

    /// <summary>
    /// Creates the kernel. <paramref name="outputDims"/> is the output shape; <paramref name="strides"/> gives, per output
    /// dim, the input element step (may be 0 or negative); <paramref name="baseOffset"/> is the input element read for
    /// output index 0. Every element read must lie inside the input (the caller guarantees it).
    /// </summary>
    public static Kernel Create(int elementSize, ReadOnlySpan<int> outputDims, ReadOnlySpan<int> strides, int baseOffset)
    {
        if (outputDims.Length != strides.Length) throw new ArgumentException("one stride per output dim is required", nameof(strides));
        long count = 1;
        foreach (int d in outputDims) count *= d;
        var dims = new List<int>();
        var steps = new List<int>();
        for (int d = 0; d < outputDims.Length; d++)
        {
            if (outputDims[d] == 1) continue;
            int last = dims.Count - 1;
            if (last >= 0 && (long)steps[last] == (long)strides[d] * outputDims[d])
            {
                dims[last] *= outputDims[d];
                steps[last] = strides[d];
                continue;
            }
            dims.Add(outputDims[d]);
            steps.Add(strides[d]);
        }
        if (dims.Count == 0) { dims.Add(1); steps.Add(1); }
        int[] dimArr = dims.ToArray(), stepArr = steps.ToArray();
        int n = (int)count;
        return elementSize switch
        {
            1 => new Typed<byte>(dimArr, stepArr, baseOffset, n),
            2 => new Typed<ushort>(dimArr, stepArr, baseOffset, n),
            4 => new Typed<uint>(dimArr, stepArr, baseOffset, n),
            8 => new Typed<ulong>(dimArr, stepArr, baseOffset, n),
            _ => throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "element size must be 1, 2, 4 or 8 bytes"),
        };
    }

    /// <summary>The merged output dims the kernel iterates (for tests and diagnostics).</summary>
    public abstract IReadOnlyList<int> MergedDims { get; }

    private sealed class Typed<T>(int[] dims, int[] strides, int baseOffset, int count) : StridedCopyKernel where T : unmanaged
    {
        public override IReadOnlyList<int> MergedDims => dims;

        public override void Run(in KernelContext ctx)
        {
            if (count == 0) return;
            var src = MemoryMarshal.Cast<byte, T>(ctx.InputBytes(0));
            var dst = MemoryMarshal.Cast<byte, T>(ctx.OutputBytes(0));
            int rank = dims.Length;
            int inner = dims[rank - 1];
            int step = strides[rank - 1];
            Span<int> idx = stackalloc int[rank];
            int off = baseOffset, o = 0;
            while (true)
            {
                if (step == 1) src.Slice(off, inner).CopyTo(dst.Slice(o, inner));
                else if (step == 0) dst.Slice(o, inner).Fill(src[off]);
                else
                {
                    var row = dst.Slice(o, inner);
                    for (int i = 0, p = off; i < row.Length; i++, p += step) row[i] = src[p];
                }
                o += inner;
                // Odometer over the outer dims.
                int d = rank - 2;
                for (; d >= 0; d--)
                {
                    off += strides[d];
                    if (++idx[d] < dims[d]) break;
                    off -= strides[d] * dims[d];
                    idx[d] = 0;
                }
                if (d < 0) break;
            }
        }
    }
}
