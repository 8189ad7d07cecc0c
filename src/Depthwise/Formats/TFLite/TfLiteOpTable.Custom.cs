using System.Buffers.Binary;
using Depthwise.Ops;

namespace Depthwise.Formats.TFLite;

internal static partial class TfLiteOpTable
{
    static partial void AddCustomRows()
    {
        Custom("Convolution2DTransposeBias", ImportConvolution2DTransposeBias);
    }

    /// <summary>
    /// MediaPipe's Convolution2DTransposeBias: inputs x (NHWC), weights (OHWI), bias; its custom options are a raw
    /// TfLiteTransposeConvParams struct (int32 padding: 1 SAME, 2 VALID; int32 stride_width; int32 stride_height).
    /// The output is (in − 1)·stride + kernel − total_pad per spatial dim, total_pad = max(0, kernel − (in − 1) mod stride − 1)
    /// for SAME and 0 for VALID, the window starting total_pad / 2 before the first output.
    /// </summary>
    private static void ImportConvolution2DTransposeBias(TfLiteNode n)
    {
        n.ExpectArity(3, 3, 1);
        var options = n.CustomOptions;
        if (options.Length < 12) throw n.Invalid($"has {options.Length} bytes of custom options; expected the 12-byte TfLiteTransposeConvParams");
        int padding = BinaryPrimitives.ReadInt32LittleEndian(options);
        int strideW = BinaryPrimitives.ReadInt32LittleEndian(options[4..]);
        int strideH = BinaryPrimitives.ReadInt32LittleEndian(options[8..]);
        if (padding is not (1 or 2)) throw n.Invalid($"has padding {padding}; expected 1 (SAME) or 2 (VALID)");
        if (strideW < 1 || strideH < 1) throw n.Invalid($"has strides {strideH}×{strideW}; they must be at least 1");
        var x = n.InputTensor(0);
        var w = n.InputTensor(1);
        ExpectRank(n, x, 4, "the input");
        ExpectRank(n, w, 4, "the filter");
        var size = new int[2];
        int[] stride = [strideH, strideW];
        for (int d = 0; d < 2; d++)
        {
            long input = x.Shape[d + 1], k = w.Shape[d + 1], s = stride[d];
            long total = padding == 1 ? Math.Max(0, k - (input - 1) % s - 1) : 0;
            long output = s * (input - 1) + k - total;
            if (input < 1 || output < 1 || output > int.MaxValue) throw n.Invalid($"gives an output size of {output} along spatial axis {d}");
            size[d] = (int)output;
        }
        // The same window placement as TRANSPOSE_CONV with SAME padding and this output size.
        AddTransposeConv(n, weightsInput: 1, dataInput: 0, biasInput: 2, padding == 1 ? AutoPad.SameUpper : AutoPad.Valid,
            strideH, strideW, size[0], size[1], TfLiteActivation.None);
    }
}
