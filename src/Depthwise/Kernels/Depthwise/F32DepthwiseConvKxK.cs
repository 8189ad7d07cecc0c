using System.Runtime.CompilerServices;
using static Depthwise.Kernels.Depthwise.F32DepthwiseConvDriver;

namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// Generic depthwise rows: any KH×KW, stride and dilation, every pixel through the bounds-checked
/// <see cref="F32DepthwiseConvDriver.Pixel"/> (vectorized over channels, weights read from the packed rows).
/// The fallback for shapes no specialized kernel covers (dilated, non-square, 7×7, stride 3...).
/// </summary>
internal readonly unsafe struct F32DepthwiseConvKxK : IF32DepthwiseRowKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row<TL, TV, TA>(in DepthwiseConvArgs a, int n, int oy, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        float* image = Image(a, n), output = OutputRow(a, n, oy);
        nint channels = a.Channels;
        int iy0 = oy * a.StrideHeight - a.PadTop;
        for (int x = 0, ix0 = -a.PadLeft; x < a.OutputWidth; x++, ix0 += a.StrideWidth)
            Pixel<TL, TV, TA>(a, image, iy0, ix0, c, output + x * channels);
    }
}
