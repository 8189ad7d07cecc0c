using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Tensors;

namespace Depthwise.Runtime;

/// <summary>
/// Start-up help for the first model a process loads. Most of a cold first inference is the JIT compiling the hot
/// kernels (they are always compiled fully optimized, and ReadyToRun cannot precompile their AVX-512 code) and the
/// plan compiler. While the model file is read, imported and optimized on the calling thread, this compiles the same
/// code on a second core by compiling and running a tiny network made of the operators the mobile families share (3×3 stride-2 stem with ReLU6, depthwise 3×3 and 5×5 at strides 1 and 2 with
/// ReLU/ReLU6/HardSwish, pointwise convolutions with a residual add, a fused squeeze-and-excitation block, global pooling, Gemm and
/// Softmax). The model's own first run then finds most of its code compiled.
/// </summary>
/// <remarks>
/// Once per process, only with more than one processor, on a below-normal-priority background thread; results are not
/// used and nothing is shared with the caller's session except the compiled code. Off with
/// <see cref="SessionOptions.BackgroundWarmup"/> = false.
/// </remarks>
internal static class BackgroundWarmup
{
    private static int _started;

    /// <summary>The warm-up under way or done (null until started): completes when the tiny network has run; faults if it failed.</summary>
    internal static Task? Current { get; private set; }

    /// <summary>Starts the warm-up unless it has run in this process, the options turn it off, or there is one processor.</summary>
    public static void StartIfUseful(SessionOptions? options)
    {
        if (options is { BackgroundWarmup: false } || Environment.ProcessorCount < 2) return;
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Current = done.Task;
        var thread = new Thread(() =>
        {
            try
            {
                RunOnce();
                done.SetResult();
            }
            catch (Exception e)
            {
                // Best effort: a failure here only loses the head start (the tests run RunOnce directly and see it).
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "Depthwise warm-up",
            Priority = ThreadPriority.BelowNormal,
        };
        thread.Start();
    }

    /// <summary>Compiles and runs the warm-up network once on the calling thread.</summary>
    internal static Tensor[] RunOnce()
    {
        // The network is built in its optimized form, so the thread reaches the kernels without first compiling the passes.
        var session = new InferenceSession(BuildNetwork(), new SessionOptions { Threads = 1, BackgroundWarmup = false, OptimizationLevel = OptimizationLevel.None });
        var input = new float[3 * 32 * 32];
        for (int i = 0; i < input.Length; i++) input[i] = (i % 17) / 8f - 1f;
        return session.Run(Tensor.FromArray(new Shape(1, 3, 32, 32), input));
    }

    /// <summary>
    /// The tiny network in the form the optimizer gives a torchvision export: an NCHW input transposed to
    /// channels-last, convolutions with BatchNorm folded in and activations, residual adds and squeeze-and-excitation fused.
    /// </summary>
    internal static Graph.Graph BuildNetwork()
    {
        var g = new Graph.Graph("depthwise-warmup");
        int seed = 0;
        Value Weights(string name, params int[] dims)
        {
            var shape = new Shape(dims);
            var data = new float[shape.ElementCount];
            float scale = 1f / MathF.Sqrt(data.Length / dims[0]);
            for (int i = 0; i < data.Length; i++) data[i] = MathF.Sin(++seed * 0.7f) * scale;
            return g.AddConstant(name, Tensor.FromArray(shape, data));
        }
        Value One(string name, Op op, params Value?[] inputs) => g.AddNode(name, op, inputs, [name]).Outputs[0];
        Value Conv(string name, Value x, int cin, int cout, int k, int stride, int group, ConvActivation activation, Value? residual = null)
            => One(name, new ConvOp
            {
                KernelShape = [k, k], Strides = [stride, stride], Pads = [k / 2, k / 2, k / 2, k / 2], Group = group,
                Layout = ChannelLayout.ChannelsLast, Activation = activation,
            }, x, Weights(name + ".w", cout, cin / group, k, k), Weights(name + ".b", cout), residual);
        var relu6 = ConvActivation.Clip(0f, 6f);

        var x = g.AddInput("input", DataType.Float32, [Dim.Known(1), Dim.Known(3), Dim.Known(32), Dim.Known(32)]);
        var nhwc = One("to_nhwc", new TransposeOp { Perm = [0, 2, 3, 1] }, x);
        var stem = Conv("stem", nhwc, 3, 32, 3, 2, 1, relu6);
        var dw1 = Conv("dw1", stem, 32, 32, 3, 1, 32, relu6);
        var block = Conv("pw1", dw1, 32, 32, 1, 1, 1, ConvActivation.None, residual: stem);
        var dw2 = Conv("dw2", block, 32, 32, 3, 2, 32, ConvActivation.HardSwish);
        var dw3 = Conv("dw3", dw2, 32, 32, 5, 1, 32, ConvActivation.Relu);
        var se = One("se", new SqueezeExciteOp
        {
            Activation = ConvActivation.Relu, Gate = SqueezeExciteGate.HardSigmoid, GateAlpha = 1f / 6f, GateBeta = 0.5f,
        }, dw3, Weights("se.w1", 8, 32, 1, 1), Weights("se.b1", 8), Weights("se.w2", 32, 8, 1, 1), Weights("se.b2", 32));
        var dw4 = Conv("dw4", se, 32, 32, 5, 2, 32, ConvActivation.None);
        var head = Conv("head", dw4, 32, 64, 1, 1, 1, relu6);
        var pooled = One("flatten", new FlattenOp(), One("pool", new GlobalAveragePoolOp { Layout = ChannelLayout.ChannelsLast }, head));
        var logits = One("fc", new GemmOp { TransB = true }, pooled, Weights("fc.w", 10, 64), Weights("fc.b", 10));
        g.AddOutput(One("softmax", new SoftmaxOp { Axis = 1 }, logits));
        return g;
    }
}
