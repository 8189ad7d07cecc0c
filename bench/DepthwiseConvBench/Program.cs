using Depthwise.Kernels;
using System.Diagnostics;
using System.Globalization;
using Depthwise.Kernels.Depthwise;

// Run: dotnet run -c Release --project bench/DepthwiseConvBench [-- --samples 101 --filter V512 --no-reference
//      --layer H,W,C,K,S (repeatable; replaces the built-in layer list)]
// Times every supported fp32 depthwise variant that computes each layer (single thread; ReLU6 fused as MobileNetV2
// does; EfficientNet-B0's 5x5 shapes with TF SAME pads and HardSwish fused, since its own Swish is not a fusable
// epilogue) and the scalar reference as the in-run baseline. Each sample runs the kernel enough times to last
// ~2 ms; the figures are the median sample and the best one. The machine is shared, so medians of many samples, not means.
int samples = 51;
string? filter = null;
bool withReference = true;
var custom = new List<(string, DepthwiseConvShape, FusedEpilogue)>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--samples": samples = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--filter": filter = args[++i]; break;
        case "--no-reference": withReference = false; break;
        case "--layer": custom.Add(ParseLayer(args[++i])); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

(string Net, DepthwiseConvShape Shape, FusedEpilogue Epilogue)[] layers =
[
    ("MobileNetV2", DepthwiseConvShape.Square(1, 112, 112, 32, 3, 1, 1), FusedEpilogue.Relu6),
    ("MobileNetV2", DepthwiseConvShape.Square(1, 112, 112, 96, 3, 2, 1), FusedEpilogue.Relu6),
    ("MobileNetV2", DepthwiseConvShape.Square(1, 56, 56, 144, 3, 1, 1), FusedEpilogue.Relu6),
    ("MobileNetV2", DepthwiseConvShape.Square(1, 56, 56, 144, 3, 2, 1), FusedEpilogue.Relu6),
    ("MobileNetV2", DepthwiseConvShape.Square(1, 28, 28, 192, 3, 1, 1), FusedEpilogue.Relu6),
    ("MobileNetV2", DepthwiseConvShape.Square(1, 28, 28, 192, 3, 2, 1), FusedEpilogue.Relu6),
    ("MobileNetV2", DepthwiseConvShape.Square(1, 14, 14, 384, 3, 1, 1), FusedEpilogue.Relu6),
    ("MobileNetV2", DepthwiseConvShape.Square(1, 14, 14, 576, 3, 1, 1), FusedEpilogue.Relu6),
    ("MobileNetV2", DepthwiseConvShape.Square(1, 14, 14, 576, 3, 2, 1), FusedEpilogue.Relu6),
    ("MobileNetV2", DepthwiseConvShape.Square(1, 7, 7, 960, 3, 1, 1), FusedEpilogue.Relu6),
    ("EfficientNet-B0", DepthwiseConvShape.Same(1, 56, 56, 144, 5, 2), FusedEpilogue.HardSwish),
    ("EfficientNet-B0", DepthwiseConvShape.Same(1, 28, 28, 240, 5, 1), FusedEpilogue.HardSwish),
    ("EfficientNet-B0", DepthwiseConvShape.Same(1, 14, 14, 480, 5, 1), FusedEpilogue.HardSwish),
    ("EfficientNet-B0", DepthwiseConvShape.Same(1, 14, 14, 672, 5, 2), FusedEpilogue.HardSwish),
    ("EfficientNet-B0", DepthwiseConvShape.Same(1, 7, 7, 1152, 5, 1), FusedEpilogue.HardSwish),
];
if (custom.Count > 0) layers = custom.ToArray();

Console.WriteLine($"# fp32 depthwise, 1 thread, median of {samples} samples; GMAC/s (MACs include padding taps)");
Console.WriteLine($"# supported: {string.Join(' ', DepthwiseConvCatalog.Supported.Select(v => v.Name))}");
Console.WriteLine($"{"net",-16} {"layer",-26} {"variant",-28} {"µs",9} {"GMAC/s",7} {"best",7} {"×ref",6}");
var random = new Random(1);
foreach (var (net, shape, epilogue) in layers)
{
    // 64-byte aligned like the engine's arena buffers (an unaligned 16-channel load splits a cache line).
    var input = Aligned(RandomArray(random, shape.InputLength));
    var output = Aligned(new float[shape.OutputLength]);
    var filters = RandomArray(random, shape.Channels * shape.KernelHeight * shape.KernelWidth);
    var weights = F32DepthwiseConvWeights.PackChannelFirst(shape.Channels, shape.KernelHeight, shape.KernelWidth,
        filters, RandomArray(random, shape.Channels));
    string layer = $"{shape.Height}²×{shape.Channels} k{shape.KernelHeight} s{shape.StrideHeight} {epilogue.Activation}";
    // Check once that every timed variant computes this layer (a benchmark of a wrong kernel is worthless).
    var expected = new float[shape.OutputLength];
    F32DepthwiseConvReference.Run(weights, shape, epilogue, input, expected);
    double referenceUs = double.NaN;
    if (withReference)
    {
        (referenceUs, double best) = Time(samples, () => F32DepthwiseConvReference.Run(weights, shape, epilogue, input, output));
        Report(net, layer, "F32DepthwiseConvReference", referenceUs, best, shape.Macs, referenceUs);
    }
    foreach (var v in DepthwiseConvCatalog.Supported)
    {
        if (!v.Supports(shape) || (filter is not null && !v.Name.Contains(filter, StringComparison.Ordinal))) continue;
        output.AsSpan().Clear();
        v.Run(weights, shape, epilogue, input, output);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(output[i] - expected[i]));
        if (!(worst < 1e-3f)) Console.WriteLine($"!! {v.Name} differs from the reference by {worst} on {shape}");
        var (us, best) = Time(samples, () => v.Run(weights, shape, epilogue, input, output));
        Report(net, layer, v.Name, us, best, shape.Macs, referenceUs);
    }
}
return 0;

// GMAC/s of the median sample, then of the fastest one (the least disturbed by other processes), speed-up over the reference.
static void Report(string net, string layer, string name, double us, double bestUs, long macs, double referenceUs) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{net,-16} {layer,-26} {name,-28} {us,9:F1} {macs / us / 1e3,7:F2} {macs / bestUs / 1e3,7:F2} {referenceUs / us,6:F1}"));

static unsafe ArraySegment<float> Aligned(float[] data)
{
    var storage = GC.AllocateArray<float>(data.Length + 16, pinned: true);
    nint address;
    fixed (float* p = storage) address = (nint)p;
    int offset = (int)((64 - (address & 63)) & 63) / sizeof(float);
    data.CopyTo(storage, offset);
    return new ArraySegment<float>(storage, offset, data.Length);
}

// H,W,C,K,S: one square layer with symmetric pads K/2 and ReLU6 (e.g. --layer 14,14,480,5,1).
static (string, DepthwiseConvShape, FusedEpilogue) ParseLayer(string text)
{
    var v = text.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
    if (v.Length != 5) throw new ArgumentException("--layer takes H,W,C,K,S");
    var shape = new DepthwiseConvShape(1, v[0], v[1], v[2], v[3], v[3], v[4], v[4], 1, 1, v[3] / 2, v[3] / 2, v[3] / 2, v[3] / 2);
    return ("custom", shape, FusedEpilogue.Relu6);
}

static float[] RandomArray(Random random, int length)
{
    var a = new float[length];
    for (int i = 0; i < a.Length; i++) a[i] = (float)(random.NextDouble() * 2 - 1);
    return a;
}

// Median and minimum over samples of the time per call, in microseconds; each sample repeats the call to last ~2 ms
// (short samples: on a shared machine most of them then run undisturbed by a time slice of another process).
static (double Median, double Best) Time(int samples, Action run)
{
    run();
    var sw = Stopwatch.StartNew();
    int reps = 0;
    while (sw.Elapsed.TotalMilliseconds < 2) { run(); reps++; }
    var times = new double[samples];
    for (int s = 0; s < samples; s++)
    {
        sw.Restart();
        for (int r = 0; r < reps; r++) run();
        times[s] = sw.Elapsed.TotalMicroseconds / reps;
    }
    Array.Sort(times);
    return (times[samples / 2], times[0]);
}
