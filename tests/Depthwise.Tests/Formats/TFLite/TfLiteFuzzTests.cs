using System.Buffers.Binary;
using System.Diagnostics;
using Depthwise.Formats.TFLite;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Xunit.Abstractions;
using B = Depthwise.Formats.TFLite.TfLiteBuiltinOperator;
using O = Depthwise.Formats.TFLite.TfLiteOptions;

namespace Depthwise.Tests.Formats.TFLite;

/// <summary>
/// Feeds mutated copies of real and synthetic .tflite models to the importer (and, for small graphs, the runtime).
/// A mutant may load or fail with a <see cref="DepthwiseException"/>; any other exception, a hang (a mutant taking
/// seconds) or a huge allocation is a robustness bug. Mutations aim mostly at the FlatBuffer structure (the bytes
/// outside the weight buffers), where offsets, vtables and lengths live.
/// </summary>
public sealed class TfLiteFuzzTests(ITestOutputHelper output)
{
    /// <summary>Mutants per seed model (DEPTHWISE_FUZZ_MUTANTS overrides it for a longer campaign).</summary>
    private static readonly int MutantsPerSeed = int.TryParse(Environment.GetEnvironmentVariable("DEPTHWISE_FUZZ_MUTANTS"), out int n) ? n : 400;

    private static readonly int RandomSeed = int.TryParse(Environment.GetEnvironmentVariable("DEPTHWISE_FUZZ_SEED"), out int s) ? s : 20240622;

    private const long MaxAllocatedBytesPerMutant = 256L << 20;
    private const long MaxRunMacs = 5_000_000;
    private const int MaxMutantMilliseconds = 3000;

    /// <summary>Real models small enough to mutate hundreds of times in a second or two each.</summary>
    private static readonly string[] RealSeeds =
    [
        "face_detection_short_range.tflite", "mobilenet_v1_0.25_224_quant.tflite", "selfie_segmentation.tflite",
        "mobilenet_v2_035_96_embedder_with_metadata.tflite",
    ];

    private List<(string Name, byte[] Bytes)> Seeds()
    {
        var seeds = new List<(string, byte[])>();
        foreach (var f in RealSeeds)
        {
            var p = SharedModels.Root is null ? null : Path.Combine(SharedModels.Root, "tflite", f);
            if (p is not null && File.Exists(p)) seeds.Add((f, File.ReadAllBytes(p)));
            else output.WriteLine($"skipping seed {f}: the shared models folder was not found");
        }
        seeds.Add(("synthetic conv+pool+fc+softmax", SyntheticClassifier()));
        seeds.Add(("synthetic strided_slice+resize+concat", SyntheticTensorOps()));
        return seeds;
    }

    internal static byte[] SyntheticClassifier()
    {
        var b = new TfLiteModelBuilder { Description = "fuzz seed" };
        var r = new Random(1);
        float[] R(int count) => Enumerable.Range(0, count).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
        int x = b.Float("x", 1, 8, 8, 3);
        int w = b.HalfConst("w16", [4, 3, 3, 3], R(108)), wf = b.Float("w", 4, 3, 3, 3);
        int c = b.Float("conv", 1, 4, 4, 4), dw = b.FloatConst("dw", [1, 3, 3, 4], R(36)), d = b.Float("dwconv", 1, 4, 4, 4);
        int p = b.Float("pool", 1, 2, 2, 4), fw = b.FloatConst("fc_w", [5, 16], R(80)), fb = b.FloatConst("fc_b", [5], R(5));
        int f = b.Float("fc", 1, 5), y = b.Float("probs", 1, 5);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.DEQUANTIZE, [w], [wf]);
        b.Op(B.CONV_2D, [x, wf, -1], [c], O.Conv2D, new FbTable().U8(0, 0).I32(1, 2).I32(2, 2).U8(3, 3));
        b.Op(B.DEPTHWISE_CONV_2D, [c, dw], [d], O.DepthwiseConv2D, new FbTable().U8(0, 0).I32(1, 1).I32(2, 1).I32(3, 1).U8(4, 1));
        b.Op(B.AVERAGE_POOL_2D, [d], [p], O.Pool2D, new FbTable().U8(0, 1).I32(1, 2).I32(2, 2).I32(3, 2).I32(4, 2));
        b.Op(B.FULLY_CONNECTED, [p, fw, fb], [f], O.FullyConnected, new FbTable());
        b.Op(B.SOFTMAX, [f], [y], O.Softmax, new FbTable().F32(0, 1));
        b.AddMetadata(TfLiteMetadataReader.MetadataName, FlatBufferBuilder.Serialize(new FbTable().String(0, "fuzz")
            .Tables(3, new FbTable().Tables(2, new FbTable().String(0, "x").Tables(4, new FbTable().Union(0, 1, new FbTable().Floats(0, 127.5f).Floats(1, 127.5f))))), "M001"));
        return b.Build();
    }

    internal static byte[] SyntheticTensorOps()
    {
        var b = new TfLiteModelBuilder();
        int x = b.Float("x", 1, 4, 6, 2);
        int begin = b.IntConst("begin", [4], [0, 1, 0, 0]), end = b.IntConst("end", [4], [1, 4, 6, 2]), strides = b.IntConst("strides", [4], [1, 1, 2, 1]);
        int s = b.Float("slice", 1, 3, 3, 2), size = b.IntConst("size", [2], [6, 6]), rz = b.Float("resized", 1, 6, 6, 2);
        int pads = b.IntConst("pads", [4, 2], [0, 0, 1, 1, 1, 1, 0, 0]), pd = b.Float("padded", 1, 8, 8, 2);
        int other = b.Float("other", 1, 8, 8, 2), cat = b.Float("cat", 1, 8, 8, 4), shape = b.IntConst("shape", [2], [64, 4]), y = b.Float("y", 64, 4);
        b.Inputs.AddRange([x, other]);
        b.Outputs.Add(y);
        b.Op(B.STRIDED_SLICE, [x, begin, end, strides], [s], O.StridedSlice, new FbTable().I32(0, 1).I32(1, 8));
        b.Op(B.RESIZE_BILINEAR, [s, size], [rz], O.ResizeBilinear, new FbTable().Bool(3, true));
        b.Op(B.PAD, [rz, pads], [pd]);
        b.Op(B.CONCATENATION, [pd, other], [cat], O.Concatenation, new FbTable().I32(0, 3));
        b.Op(B.RESHAPE, [cat, shape], [y]);
        return b.Build();
    }

    /// <summary>Byte ranges of constant data (weights): mutations there only change numbers, so most mutations go elsewhere.</summary>
    private static List<(int Start, int End)> DataRanges(byte[] model)
    {
        var ranges = new List<(int, int)>();
        try
        {
            var m = TfLiteModel.Read(model, null);
            for (uint i = 0; i < m.BufferCount; i++)
            {
                var d = m.BufferData(i, "b");
                if (d.Length > 64 && System.Runtime.InteropServices.MemoryMarshal.TryGetArray(d, out var seg))
                    ranges.Add((seg.Offset + 16, seg.Offset + seg.Count - 16));
            }
        }
        catch (DepthwiseException) { }
        return ranges;
    }

    private static int StructuralPosition(Random rnd, int length, List<(int Start, int End)> data)
    {
        for (int attempt = 0; attempt < 32; attempt++)
        {
            int p = rnd.Next(length);
            if (!data.Exists(r => p >= r.Start && p < r.End)) return p;
        }
        return rnd.Next(length);
    }

    private static byte[] Mutate(byte[] src, Random rnd, List<(int Start, int End)> data, out string how)
    {
        var b = (byte[])src.Clone();
        int at = rnd.Next(8) == 0 ? rnd.Next(b.Length) : StructuralPosition(rnd, b.Length, data);
        switch (rnd.Next(8))
        {
            case 0:
                int flips = rnd.Next(1, 4);
                for (int i = 0; i < flips; i++) { at = StructuralPosition(rnd, b.Length, data); b[at] ^= (byte)(1 << rnd.Next(8)); }
                how = $"{flips} bit flip(s), last at {at}";
                return b;
            case 1:
                byte[] interesting = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF, 0x04, 0x08, 0x10];
                b[at] = interesting[rnd.Next(interesting.Length)];
                how = $"byte {at} := 0x{b[at]:X2}";
                return b;
            case 2:
                how = $"truncated to {at}";
                return b[..at];
            case 3:
                {
                    // A random offset or length: 32 bits at a 4-aligned position.
                    int p = Math.Min(at & ~3, b.Length - 4);
                    uint[] values = [0, 1, 4, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, (uint)b.Length, (uint)b.Length - 4, (uint)rnd.Next(), (uint)rnd.Next(256)];
                    uint v = values[rnd.Next(values.Length)];
                    BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(p), v);
                    how = $"u32 at {p} := {v}";
                    return b;
                }
            case 4:
                {
                    // A vtable entry or small field: 16 bits.
                    int p = Math.Min(at & ~1, b.Length - 2);
                    ushort v = (ushort)(rnd.Next(3) switch { 0 => 0, 1 => rnd.Next(64), _ => rnd.Next(65536) });
                    BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(p), v);
                    how = $"u16 at {p} := {v}";
                    return b;
                }
            case 5:
                {
                    int len = rnd.Next(1, Math.Min(32, b.Length - at) + 1);
                    how = $"deleted [{at},+{len})";
                    return [.. b[..at], .. b[(at + len)..]];
                }
            case 6:
                {
                    int len = rnd.Next(1, Math.Min(32, b.Length - at) + 1);
                    int to = rnd.Next(b.Length);
                    how = $"copied [{at},+{len}) over {to}";
                    for (int i = 0; i < len && to + i < b.Length; i++) b[to + i] = src[at + i];
                    return b;
                }
            default:
                b[at] = (byte)rnd.Next(256);
                how = $"byte {at} := {b[at]}";
                return b;
        }
    }

    private enum Outcome { RejectedAtLoad, RejectedAtSession, RejectedAtRun, Loaded, Ran }

    private static Outcome Exercise(byte[] bytes, bool run)
    {
        Graph.Graph g;
        try { g = TfLiteImporter.Import(bytes, "mutant.tflite"); }
        catch (DepthwiseException) { return Outcome.RejectedAtLoad; }
        if (!run) return Outcome.Loaded;
        InferenceSession session;
        try { session = new InferenceSession(g); }
        catch (DepthwiseException) { return Outcome.RejectedAtSession; }
        try
        {
            var shapes = session.DefaultInputShapes();
            if (shapes.Sum(sh => (long)sh.ElementCount) > 1 << 20) return Outcome.Loaded;
            var plan = session.GetPlan(shapes);
            if (plan.TotalMacs > MaxRunMacs || plan.ArenaBytes > 64 << 20) return Outcome.Loaded;
            session.Run(shapes.Select((sh, i) => Tensor.Zeros(session.Inputs[i].DataType, sh)).ToArray());
            return Outcome.Ran;
        }
        catch (DepthwiseException) { return Outcome.RejectedAtRun; }
    }

    [Fact]
    public void MutatedModelsLoadOrFailWithTypedErrors()
    {
        var total = Stopwatch.StartNew();
        var rnd = new Random(RandomSeed);
        var failures = new List<string>();
        foreach (var (name, seed) in Seeds())
        {
            bool small = seed.Length < 64 << 10;
            var data = DataRanges(seed);
            var counts = new Dictionary<Outcome, int>();
            var sw = Stopwatch.StartNew();
            long slowest = 0;
            for (int i = 0; i < MutantsPerSeed; i++)
            {
                var mutant = Mutate(seed, rnd, data, out var how);
                if (rnd.Next(4) == 0 && mutant.Length > 8)
                {
                    mutant = Mutate(mutant, rnd, data, out var more);
                    how += "; " + more;
                }
                long before = GC.GetAllocatedBytesForCurrentThread();
                var one = Stopwatch.StartNew();
                try
                {
                    var o = Exercise(mutant, run: small || i % 40 == 0);
                    counts[o] = counts.GetValueOrDefault(o) + 1;
                }
                catch (Exception e)
                {
                    if (failures.Count < 20) failures.Add($"{name} #{i} ({how}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                slowest = Math.Max(slowest, one.ElapsedMilliseconds);
                if (allocated > MaxAllocatedBytesPerMutant && failures.Count < 20) failures.Add($"{name} #{i} ({how}): allocated {allocated >> 20} MiB");
                if (one.ElapsedMilliseconds > MaxMutantMilliseconds && failures.Count < 20) failures.Add($"{name} #{i} ({how}): took {one.ElapsedMilliseconds} ms");
            }
            output.WriteLine($"{name}: {MutantsPerSeed} mutants in {sw.ElapsedMilliseconds} ms (slowest {slowest} ms): "
                + string.Join(", ", counts.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
        }
        output.WriteLine($"total {total.ElapsedMilliseconds} ms");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void SyntheticSeedsLoadAndRun()
    {
        var y = new InferenceSession(TfLiteImporter.Import(SyntheticClassifier())).Run(Tensor.Zeros(DataType.Float32, new Shape(1, 8, 8, 3)))[0];
        Assert.Equal(1.0, y.ToArray<float>().Sum(), 5);
        var outs = new InferenceSession(TfLiteImporter.Import(SyntheticTensorOps()))
            .Run(Tensor.Zeros(DataType.Float32, new Shape(1, 4, 6, 2)), Tensor.Zeros(DataType.Float32, new Shape(1, 8, 8, 2)));
        Assert.Equal(new Shape(64, 4), outs[0].Shape);
    }
}
