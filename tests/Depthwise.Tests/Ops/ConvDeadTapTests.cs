using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ChannelsLastOpTests;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

/// <summary>
/// Dilated convolutions whose padding is as wide as the dilation on small maps (DeepLabV3's ASPP): the im2col kernel
/// drops the kernel taps that read only padding for every output position; the result must match the channels-first
/// reference, and the number of dropped taps must be the expected one.
/// </summary>
public class ConvDeadTapTests
{
    private static void Check(int c, int cout, int size, int k, int stride, int dilation, int pad, int expectedDropped, int seed = 1)
    {
        var x = Random(seed, 2, c, size, size);
        var w = Random(seed + 1, cout, c, k, k);
        var b = Random(seed + 2, cout);
        int[] strides = [stride, stride], dilations = [dilation, dilation], pads = [pad, pad, pad, pad];
        var nchw = new ConvOp { Strides = strides, Dilations = dilations, Pads = pads }.With(ChannelLayout.ChannelsFirst, ConvActivation.Relu);
        var expected = RunUnoptimized(nchw, [x, w, b]);
        var nhwc = nchw.With(ChannelLayout.ChannelsLast, ConvActivation.Relu);

        var g = new Graph.Graph("test");
        var xn = ToNhwc(x);
        var xi = g.AddInput("x", xn.DataType, xn.Shape.ToArray().Select(Graph.Dim.Known).ToArray());
        g.AddOutput(g.AddNode("node", nhwc, [xi, g.AddConstant("w", w), g.AddConstant("b", b)], ["y"]).Outputs[0]);
        Tensor? first = null;
        foreach (int threads in new[] { 1, 3 })
        {
            var session = new InferenceSession(g, new SessionOptions { OptimizationLevel = Depthwise.Passes.OptimizationLevel.None, Threads = threads });
            var plan = session.GetPlan([xn]);
            var step = plan.Steps.Single(s => s.Kernel.GetType().Name != "CopyKernel").Kernel;
            // Image-like inputs (≤ 4 channels) take the direct kernel, which skips padding taps per output pixel.
            if (c <= SmallInputConvKernel.MaxInputChannels) Assert.IsType<SmallInputConvKernel>(step);
            else Assert.Equal(expectedDropped, Assert.IsType<Im2ColConvKernel>(step).DroppedTaps);
            var y = session.Run([xn])[0];
            if (first is null)
            {
                first = y;
                AssertClose(expected.Shape, expected.ToArray<float>(), ToNchw(y), rtol: 1e-5, atol: 1e-5);
            }
            else
            {
                Assert.Equal(first.ToArray<float>(), y.ToArray<float>());
            }
        }
    }

    [Theory]
    // 5×5 map, 3×3 kernel, dilation ≥ size: only the center tap is live (a 1×1 conv).
    [InlineData(5, 4, 5, 3, 1, 6, 6, 8)]
    [InlineData(17, 5, 5, 3, 1, 6, 6, 8)]
    // dilation 4 on 5×5: the outer taps reach the opposite edge, so all live.
    [InlineData(5, 4, 5, 3, 1, 4, 4, 0)]
    // 5×5 kernel, dilation 4: offsets −8,−4,0,4,8 → only −4,0,4 live per axis: 25 − 9 dropped.
    [InlineData(17, 6, 5, 5, 1, 4, 8, 16)]
    [InlineData(5, 6, 5, 5, 1, 6, 12, 24)]
    // stride 2, dilation 4, pad 4 on 5×5: output 3×3, oy·2 − 4 + ky·4 ∈ {−4..4}, {0..4}, {4..8} → all live.
    [InlineData(5, 5, 5, 3, 2, 4, 4, 0)]
    // stride 2, dilation 6, pad 6: output 3×3, rows −6..−2 (dead), 0..4, 6..10 (dead) → center only.
    [InlineData(17, 5, 5, 3, 2, 6, 6, 8)]
    // 5×5 kernel, stride 2, dilation 4, pad 8 on 7×7: output 4×4, the outermost taps are dead → 25 − 9 dropped.
    [InlineData(5, 7, 7, 5, 2, 4, 8, 16)]
    [InlineData(3, 7, 7, 5, 2, 4, 8, 16)] // the direct kernel on the same window
    public void DeadTapsAreDroppedExactly(int c, int cout, int size, int k, int stride, int dilation, int pad, int dropped)
    {
        Check(c, cout, size, k, stride, dilation, pad, dropped);
    }

    [Fact]
    public void PlainConvKeepsEveryTap()
    {
        Check(3, 8, 7, 3, 1, 1, 1, 0);
        Check(17, 5, 9, 3, 2, 2, 2, 0, seed: 5);
    }
}
