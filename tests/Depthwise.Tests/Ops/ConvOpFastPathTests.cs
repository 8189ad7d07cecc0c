using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ChannelsLastOpTests;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

/// <summary>
/// The fast NHWC fp32 Conv kernels (packed GEMM for pointwise, the depthwise catalog, im2col + GEMM) against the
/// channels-first reference ConvOp over awkward shapes, every fused activation, with and without the residual input,
/// and run on 1, 2 and 3 threads (which must agree bit for bit).
/// </summary>
public class ConvOpFastPathTests
{
    private static readonly ConvActivation[] Activations =
    [
        ConvActivation.None, ConvActivation.Relu, ConvActivation.Clip(0, 6), ConvActivation.Clip(-0.25f, 0.5f),
        ConvActivation.Clip(float.NegativeInfinity, 0.1f), ConvActivation.HardSwish, ConvActivation.Sigmoid, ConvActivation.SiLU,
    ];

    /// <summary>Runs <paramref name="op"/> with constant W (and B) on <paramref name="threads"/> threads; returns Y and the kernel's type name.</summary>
    private static (Tensor Y, string Kernel) Run(ConvOp op, Tensor x, Tensor w, Tensor? b, Tensor? r, int threads)
    {
        var g = new Graph.Graph("test");
        var feeds = new List<Tensor> { x };
        var ins = new Graph.Value?[4];
        ins[0] = g.AddInput("x", x.DataType, x.Shape.ToArray().Select(Graph.Dim.Known).ToArray());
        ins[1] = g.AddConstant("w", w);
        if (b is not null) ins[2] = g.AddConstant("b", b);
        if (r is not null)
        {
            ins[3] = g.AddInput("r", r.DataType, r.Shape.ToArray().Select(Graph.Dim.Known).ToArray());
            feeds.Add(r);
        }
        g.AddOutput(g.AddNode("node", op, ins, ["y"]).Outputs[0]);
        var options = new SessionOptions { OptimizationLevel = Depthwise.Passes.OptimizationLevel.None, Threads = threads };
        var session = new InferenceSession(g, options);
        var plan = session.GetPlan(feeds.ToArray());
        string kernel = plan.Steps.Single(s => s.Kernel.GetType().Name != "CopyKernel").Kernel.GetType().Name;
        return (session.Run(feeds.ToArray())[0], kernel);
    }

    private static void Check(int[] xDims, int[] wDims, int group, int[] strides, int[] dilations, int[] pads, bool bias,
        string expectedKernel, int seed = 1)
    {
        var x = Random(seed, xDims);
        var w = Random(seed + 1, wDims);
        var b = bias ? Random(seed + 2, wDims[0]) : null;
        foreach (var act in Activations)
            foreach (bool residual in new[] { false, true })
            {
                var nchw = new ConvOp { Group = group, Strides = strides, Dilations = dilations, Pads = pads }
                    .With(ChannelLayout.ChannelsFirst, act);
                var plain = RunUnoptimized(new ConvOp { Group = group, Strides = strides, Dilations = dilations, Pads = pads },
                    b is null ? [x, w] : [x, w, b]);
                var r = residual ? Random(seed + 3, plain.Shape.ToArray()) : null;
                var expected = RunUnoptimized(nchw, [x, w, b, r]);
                var nhwc = nchw.With(ChannelLayout.ChannelsLast, act);
                Tensor? first = null;
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    var (y, kernel) = Run(nhwc, ToNhwc(x), w, b, r is null ? null : ToNhwc(r), threads);
                    Assert.Equal(expectedKernel, kernel);
                    if (first is null)
                    {
                        first = y;
                        var back = ToNchw(y);
                        AssertClose(expected.Shape, expected.ToArray<float>(), back, rtol: 1e-4, atol: 2e-5);
                    }
                    else
                    {
                        Assert.Equal(first.ToArray<float>(), y.ToArray<float>()); // bit-identical across thread counts
                    }
                }
            }
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(3, 5, 5, 7)]
    [InlineData(5, 17, 1, 1)]
    [InlineData(17, 33, 9, 11)]
    [InlineData(33, 3, 4, 13)]
    [InlineData(64, 40, 28, 28)]
    public void PointwiseRunsOnGemm(int cin, int cout, int h, int w)
    {
        Check([2, cin, h, w], [cout, cin, 1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0], bias: true, "PackedGemmKernel");
        Check([1, cin, h, w], [cout, cin, 1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0], bias: false, "PackedGemmKernel", seed: 7);
    }

    [Theory]
    [InlineData(1, 3, 1, 1, 7, 9)]
    [InlineData(3, 3, 2, 1, 7, 9)]
    [InlineData(5, 5, 1, 2, 6, 5)]
    [InlineData(17, 5, 2, 2, 11, 13)]
    [InlineData(33, 3, 1, 1, 1, 1)]
    [InlineData(16, 7, 2, 3, 9, 8)]
    [InlineData(32, 3, 1, 1, 30, 30)]
    public void DepthwiseRunsOnTheCatalog(int c, int k, int stride, int pad, int h, int w)
    {
        // One channel is also group 1: the direct small-input path takes it.
        Check([2, c, h, w], [c, 1, k, k], c, [stride, stride], [1, 1], [pad, pad, pad, pad], bias: true,
            c == 1 ? "SmallInputConvKernel" : "DepthwiseConvKernel");
    }

    [Fact]
    public void DilatedAndAsymmetricDepthwise()
    {
        Check([1, 17, 9, 10], [17, 1, 3, 3], 17, [1, 1], [2, 2], [2, 2, 2, 2], bias: true, "DepthwiseConvKernel");
        Check([2, 5, 8, 7], [5, 1, 3, 2], 5, [2, 1], [1, 1], [0, 1, 1, 0], bias: false, "DepthwiseConvKernel");
    }

    [Theory]
    [InlineData(3, 32, 3, 2, 1, 1, 15, 17)]  // the stem: odd size, stride 2
    [InlineData(5, 17, 3, 1, 2, 2, 9, 9)]    // dilation 2
    [InlineData(17, 5, 1, 2, 1, 0, 7, 9)]    // strided 1×1
    [InlineData(1, 3, 3, 1, 1, 1, 1, 1)]     // 1×1 spatial
    [InlineData(33, 33, 3, 1, 1, 1, 12, 12)] // more rows than one chunk of K = 297
    [InlineData(8, 6, 2, 2, 1, 0, 6, 5)]
    [InlineData(4, 17, 5, 1, 1, 2, 11, 10)]  // RGBA-like input, 5×5
    public void GeneralConvRunsOnTheDirectOrIm2ColKernel(int cin, int cout, int k, int stride, int dilation, int pad, int h, int w)
    {
        // Up to four input channels (image stems) run on the direct kernel, more on im2col + GEMM.
        Check([2, cin, h, w], [cout, cin, k, k], 1, [stride, stride], [dilation, dilation], [pad, pad, pad, pad], bias: true,
            cin <= SmallInputConvKernel.MaxInputChannels ? "SmallInputConvKernel" : "Im2ColConvKernel");
    }

    [Fact]
    public void GroupedConvKeepsTheReference()
    {
        Check([1, 6, 5, 5], [4, 3, 3, 3], 2, [1, 1], [1, 1], [1, 1, 1, 1], bias: true, "ReferenceKernel");
    }

    [Fact]
    public void FastConvAllocatesNothingPerRun()
    {
        foreach (var (xd, wd, group) in new[] { (new[] { 1, 16, 14, 14 }, new[] { 24, 16, 1, 1 }, 1), (new[] { 1, 16, 14, 14 }, new[] { 16, 1, 3, 3 }, 16), (new[] { 1, 3, 14, 14 }, new[] { 8, 3, 3, 3 }, 1) })
        {
            var op = new ConvOp { Group = group, Pads = wd[2] == 3 ? [1, 1, 1, 1] : null }.With(ChannelLayout.ChannelsLast, ConvActivation.SiLU);
            var g = new Graph.Graph("t");
            var x = ToNhwc(Random(1, xd));
            var xi = g.AddInput("x", DataType.Float32, x.Shape.ToArray().Select(Graph.Dim.Known).ToArray());
            g.AddOutput(g.AddNode("n", op, [xi, g.AddConstant("w", Random(2, wd)), g.AddConstant("b", Random(3, wd[0]))], ["y"]).Outputs[0]);
            foreach (int threads in new[] { 1, 2 })
            {
                var session = new InferenceSession(g, new SessionOptions { OptimizationLevel = Depthwise.Passes.OptimizationLevel.None, Threads = threads });
                var plan = session.GetPlan([x]);
                var y = Tensor.Zeros(DataType.Float32, plan.OutputShapes[0]);
                session.Run([x], [y]);
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 5; i++) session.Run([x], [y]);
                Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }
    }
}
