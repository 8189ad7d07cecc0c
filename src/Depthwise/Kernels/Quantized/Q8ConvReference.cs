using Depthwise.Ops;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The scalar definition of a quantized convolution, one output element at a time, for any spatial rank (1 to 3),
/// group count (depthwise with any depth multiplier included), stride, dilation, padding and either layout:
/// <c>y[n, oc, p] = q.Apply(bias[oc] + Σ_{ic in oc's group, taps inside the input} (x − zx)·(w[oc, ic, tap] − zw[oc]), oc)</c>.
/// Taps in the padding read the real value 0, i.e. the quantized zx, and so add nothing. The accumulator is int32
/// and wraps, as TFLite's C++. W is ONNX's [M, C/group, kernel...].
/// </summary>
public static class Q8ConvReference
{
    /// <summary>Computes the convolution; see the type summary.</summary>
    /// <param name="window">The geometry (sizes, kernel, strides, dilations, resolved pads).</param>
    /// <param name="x">Layout of the input ([N, C, spatial...] or NHWC).</param>
    /// <param name="outChannels">M.</param>
    /// <param name="group">Groups.</param>
    /// <param name="input">X as bytes.</param>
    /// <param name="inputSigned">X is int8 (else uint8).</param>
    /// <param name="inputZeroPoint">zx.</param>
    /// <param name="weights">W as bytes, [M, C/group, kernel...].</param>
    /// <param name="weightsSigned">W is int8 (else uint8).</param>
    /// <param name="weightZeroPoints">zw: one, or one per output channel.</param>
    /// <param name="bias">M int32 values, or empty.</param>
    /// <param name="requantization">The per-output-channel requantization.</param>
    /// <param name="output">Y as bytes, in the layout of <paramref name="x"/>.</param>
    public static void Run(SpatialWindow window, PlaneLayout x, int outChannels, int group, ReadOnlySpan<byte> input, bool inputSigned,
        int inputZeroPoint, ReadOnlySpan<byte> weights, bool weightsSigned, ReadOnlySpan<int> weightZeroPoints, ReadOnlySpan<int> bias,
        Q8Requantization requantization, Span<byte> output)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(requantization);
        var y = new PlaneLayout(x.Batch, outChannels, window.OutputSize, x.Layout);
        int cinPerGroup = x.Channels / group, coutPerGroup = outChannels / group;
        int kd = window.Kernel[0], kh = window.Kernel[1], kw = window.Kernel[2];
        int taps = window.KernelSize;
        for (int n = 0; n < x.Batch; n++)
        {
            for (int oc = 0; oc < outChannels; oc++)
            {
                int g = oc / coutPerGroup;
                int zw = weightZeroPoints[weightZeroPoints.Length == 1 ? 0 : oc];
                for (int od = 0; od < window.Output[0]; od++)
                    for (int oh = 0; oh < window.Output[1]; oh++)
                        for (int ow = 0; ow < window.Output[2]; ow++)
                        {
                            int acc = bias.IsEmpty ? 0 : bias[oc];
                            for (int ic = 0; ic < cinPerGroup; ic++)
                            {
                                int xPlane = x.PlaneOffset(n, g * cinPerGroup + ic);
                                int wBase = (oc * cinPerGroup + ic) * taps;
                                for (int td = 0; td < kd; td++)
                                {
                                    int id = window.InputPosition(0, od, td);
                                    if ((uint)id >= (uint)window.Input[0]) continue;
                                    for (int th = 0; th < kh; th++)
                                    {
                                        int ih = window.InputPosition(1, oh, th);
                                        if ((uint)ih >= (uint)window.Input[1]) continue;
                                        for (int tw = 0; tw < kw; tw++)
                                        {
                                            int iw = window.InputPosition(2, ow, tw);
                                            if ((uint)iw >= (uint)window.Input[2]) continue;
                                            int xi = xPlane + (window.InputRowOffset(id, ih) + iw) * x.ElementStride;
                                            int wi = wBase + (td * kh + th) * kw + tw;
                                            int xv = inputSigned ? (sbyte)input[xi] : input[xi];
                                            int wv = weightsSigned ? (sbyte)weights[wi] : weights[wi];
                                            acc = unchecked(acc + (xv - inputZeroPoint) * (wv - zw));
                                        }
                                    }
                                }
                            }
                            int yi = y.PlaneOffset(n, oc) + window.OutputRowOffset(od, oh) * y.ElementStride + ow * y.ElementStride;
                            output[yi] = (byte)requantization.Apply(acc, oc);
                        }
            }
        }
    }
}
