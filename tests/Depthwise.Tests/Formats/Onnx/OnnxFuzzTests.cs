using System.Diagnostics;
using Depthwise.Formats.Onnx;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Google.Protobuf;
using Xunit.Abstractions;

namespace Depthwise.Tests.Formats.Onnx;

/// <summary>
/// Feeds mutated copies of real models to the importer and the runtime. A mutant may load and run, or fail with a
/// <see cref="DepthwiseException"/>; any other exception (or a crash, hang or huge allocation) is a robustness bug.
/// </summary>
public sealed class OnnxFuzzTests(ITestOutputHelper output)
{
    /// <summary>Mutants per seed model (DEPTHWISE_FUZZ_MUTANTS overrides it for a longer campaign).</summary>
    private static readonly int MutantsPerSeed = int.TryParse(Environment.GetEnvironmentVariable("DEPTHWISE_FUZZ_MUTANTS"), out int n) ? n : 600;

    /// <summary>Random seed (DEPTHWISE_FUZZ_SEED overrides it).</summary>
    private static readonly int RandomSeed = int.TryParse(Environment.GetEnvironmentVariable("DEPTHWISE_FUZZ_SEED"), out int s) ? s : 20240611;
    private const long MaxRunBytes = 16 << 20;
    private const long MaxRunMacs = 50_000_000;

    private static readonly string[] NodeTestSeeds = ["test_conv_with_strides_padding", "test_add_bcast", "test_relu", "test_reshape_negative_dim"];

    /// <summary>Seed models: some node-test files plus models built with the Graph API and exported.</summary>
    private List<(string Name, byte[] Bytes)> Seeds()
    {
        var seeds = new List<(string, byte[])>();
        foreach (var t in NodeTestSeeds)
        {
            var p = Path.Combine(NodeTests.Root, t, "model.onnx");
            if (File.Exists(p)) seeds.Add((t, File.ReadAllBytes(p)));
            else output.WriteLine($"skipping seed {t}: {p} not found (install Debian libonnx-testdata)");
        }
        seeds.Add(("exported add_relu_reshape", OnnxExporter.ToBytes(BuiltGraph())));
        seeds.Add(("handwritten add_relu_reshape", OnnxModels.AddReluReshape().ToByteArray()));
        seeds.Add(("handwritten ir3 typed-data value_info", Ir3Model().ToByteArray()));
        return seeds;
    }

    private static Graph.Graph BuiltGraph()
    {
        var g = new Graph.Graph("fuzz_seed");
        var x = g.AddInput("x", DataType.Float32, [Dim.Unknown("N"), Dim.Known(2), Dim.Known(3)]);
        var y = g.AddInput("y", DataType.Float32, [Dim.Known(3)]);
        var b = g.AddConstant("b", Tensor.FromArray(new Shape(2, 1), new float[] { 0.5f, -0.5f }));
        var s = g.AddConstant("s", Tensor.FromArray(new Shape(2), new long[] { 0, -1 }));
        var a = g.AddNode("add1", new AddOp(), [x, y], ["a"]).Outputs[0];
        var a2 = g.AddNode("add2", new AddOp(), [a, b], ["a2"]).Outputs[0];
        var r = g.AddNode("relu", new ReluOp(), [a2], ["r"]).Outputs[0];
        g.AddOutput(g.AddNode("reshape", new ReshapeOp(), [r, s], ["out"]).Outputs[0]);
        g.AddOutput(a);
        g.Metadata["author"] = "fuzz";
        return g;
    }

    /// <summary>An IR 3 style model: initializers also listed as inputs, typed data fields, value_info, an attribute.</summary>
    private static Depthwise.Formats.Onnx.Proto.ModelProto Ir3Model()
    {
        var m = OnnxModels.AddReluReshape();
        m.IrVersion = 3;
        m.Opset(14);
        var b = new Depthwise.Formats.Onnx.Proto.TensorProto { Name = "b", DataType = OnnxModels.F32 };
        b.Dims.Add(4);
        b.FloatData.AddRange([-1f, 0, 1, 2]);
        m.Graph.Initializer[0] = b;
        m.Graph.Input.Add(OnnxModels.Info("b", OnnxModels.F32, 4));
        m.Graph.Input.Add(OnnxModels.Info("s", OnnxModels.I64, 2));
        m.Graph.ValueInfo.Add(OnnxModels.Info("sum", OnnxModels.F32, "N", 4));
        m.Graph.Node[2].Attribute.Add(OnnxModels.IntAttr("allowzero", 0));
        m.MetadataProps.Add(new Depthwise.Formats.Onnx.Proto.StringStringEntryProto { Key = "k", Value = "v" });
        return m;
    }

    private static byte[] Mutate(byte[] src, Random rnd, out string how)
    {
        var b = new List<byte>(src);
        int kind = rnd.Next(7);
        int at = rnd.Next(b.Count);
        switch (kind)
        {
            case 0:
                int flips = rnd.Next(1, 4);
                for (int i = 0; i < flips; i++) { at = rnd.Next(b.Count); b[at] ^= (byte)(1 << rnd.Next(8)); }
                how = $"{flips} bit flip(s), last at {at}";
                break;
            case 1:
                byte[] interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x08, 0x0A, 0x12, 0x3A];
                byte v = rnd.Next(2) == 0 ? interesting[rnd.Next(interesting.Length)] : (byte)rnd.Next(256);
                b[at] = v;
                how = $"byte {at} := 0x{v:X2}";
                break;
            case 2:
                b.RemoveRange(at, b.Count - at);
                how = $"truncated to {at}";
                break;
            case 3:
                int len = rnd.Next(1, Math.Min(32, b.Count - at) + 1);
                var chunk = b.GetRange(at, len);
                int to = rnd.Next(b.Count + 1);
                b.InsertRange(to, chunk);
                how = $"duplicated [{at},+{len}) at {to}";
                break;
            case 4:
                len = rnd.Next(1, Math.Min(32, b.Count - at) + 1);
                b.RemoveRange(at, len);
                how = $"deleted [{at},+{len})";
                break;
            case 5:
                // A varint-sized run of 0xFF bytes: huge lengths, dims and enum values.
                len = rnd.Next(1, 10);
                for (int i = 0; i < len && at + i < b.Count; i++) b[at + i] = 0xFF;
                how = $"0xFF x{len} at {at}";
                break;
            default:
                var small = (byte)rnd.Next(0, 8);
                b[at] = small;
                how = $"byte {at} := {small} (small)";
                break;
        }
        return b.ToArray();
    }

    private enum Outcome { RejectedAtLoad, RejectedAtSession, RejectedAtRun, Ran, SkippedLargeRun }

    private static Outcome Exercise(byte[] bytes) => Exercise(() => OnnxImporter.Import(bytes, "mutant"));

    private static Outcome Exercise(Func<Graph.Graph> load)
    {
        Graph.Graph g;
        try { g = load(); }
        catch (DepthwiseException) { return Outcome.RejectedAtLoad; }
        catch (FileNotFoundException) { return Outcome.RejectedAtLoad; }

        InferenceSession session;
        try { session = new InferenceSession(g); }
        catch (DepthwiseException) { return Outcome.RejectedAtSession; }

        try
        {
            var shapes = session.DefaultInputShapes();
            long inputBytes = 0;
            for (int i = 0; i < shapes.Length; i++) inputBytes += (long)shapes[i].ElementCount * DataTypes.SizeOf(session.Inputs[i].DataType);
            if (inputBytes > MaxRunBytes) return Outcome.SkippedLargeRun;
            var plan = session.GetPlan(shapes);
            long outBytes = 0;
            for (int i = 0; i < plan.OutputShapes.Count; i++) outBytes += (long)plan.OutputShapes[i].ElementCount * DataTypes.SizeOf(plan.OutputTypes[i]);
            if (plan.ArenaBytes + outBytes > MaxRunBytes || plan.TotalMacs > MaxRunMacs) return Outcome.SkippedLargeRun;
            var inputs = shapes.Select((s, i) => Tensor.Zeros(session.Inputs[i].DataType, s)).ToArray();
            session.Run(inputs);
            return Outcome.Ran;
        }
        catch (DepthwiseException) { return Outcome.RejectedAtRun; }
    }

    [Fact]
    public void MutatedModelsLoadAndRunOrFailWithTypedErrors()
    {
        var sw = Stopwatch.StartNew();
        var rnd = new Random(RandomSeed);
        var failures = new List<string>();
        var counts = new Dictionary<Outcome, int>();
        int total = 0;
        foreach (var (name, seed) in Seeds())
        {
            output.WriteLine($"seed {name}: {Exercise(seed)}");
            for (int i = 0; i < MutantsPerSeed; i++)
            {
                // Mostly one mutation; sometimes a few stacked, to get past the first check a single one trips.
                var mutant = Mutate(seed, rnd, out var how);
                for (int k = rnd.Next(4) == 0 ? rnd.Next(1, 4) : 0; k > 0; k--)
                {
                    mutant = Mutate(mutant.Length == 0 ? seed : mutant, rnd, out var more);
                    how += "; " + more;
                }
                total++;
                try
                {
                    var o = Exercise(mutant);
                    counts[o] = counts.GetValueOrDefault(o) + 1;
                }
                catch (Exception e)
                {
                    if (failures.Count < 20)
                        failures.Add($"{name} #{i} ({how}): {e.GetType().Name}: {e.Message}\n   bytes: {Convert.ToHexString(mutant)}\n{e.StackTrace}");
                    else if (failures.Count == 20) failures.Add("...");
                }
            }
        }
        output.WriteLine($"{total} mutants in {sw.ElapsedMilliseconds} ms: " + string.Join(", ", counts.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void MutatedModelsWithExternalDataLoadFromFilesOrFailWithTypedErrors()
    {
        // Mutants are written next to their external data file and loaded by path, so mutated locations, offsets and
        // lengths reach the file system (inside a scratch folder, with a decoy file one level up).
        var root = Directory.CreateTempSubdirectory("dw-onnx-fuzz-");
        try
        {
            var dir = Directory.CreateDirectory(Path.Combine(root.FullName, "model"));
            File.WriteAllBytes(Path.Combine(root.FullName, "decoy.bin"), new byte[64]);
            var m = OnnxModels.AddReluReshape();
            var b = m.Graph.Initializer[0];
            var raw = b.RawData.ToByteArray();
            b.ClearRawData();
            b.DataLocation = Depthwise.Formats.Onnx.Proto.TensorProto.Types.DataLocation.External;
            b.ExternalData.Add(new Depthwise.Formats.Onnx.Proto.StringStringEntryProto { Key = "location", Value = "w.bin" });
            b.ExternalData.Add(new Depthwise.Formats.Onnx.Proto.StringStringEntryProto { Key = "offset", Value = "4" });
            b.ExternalData.Add(new Depthwise.Formats.Onnx.Proto.StringStringEntryProto { Key = "length", Value = "16" });
            File.WriteAllBytes(Path.Combine(dir.FullName, "w.bin"), [0, 0, 0, 0, .. raw, 9, 9]);
            var seed = m.ToByteArray();
            var path = Path.Combine(dir.FullName, "model.onnx");
            File.WriteAllBytes(path, seed);
            Assert.Equal(OnnxModels.AddReluReshapeReference([1, 2, 3, 4]),
                new InferenceSession(OnnxImporter.Import(path)).Run(Tensor.FromArray(new Shape(1, 4), new float[] { 1, 2, 3, 4 }))[0].ToArray<float>());

            var rnd = new Random(RandomSeed + 1);
            var failures = new List<string>();
            var counts = new Dictionary<Outcome, int>();
            for (int i = 0; i < MutantsPerSeed / 2; i++)
            {
                var mutant = Mutate(seed, rnd, out var how);
                File.WriteAllBytes(path, mutant);
                try
                {
                    var o = Exercise(() => InferenceSession.Load(path).Graph);
                    counts[o] = counts.GetValueOrDefault(o) + 1;
                }
                catch (Exception e) { failures.Add($"#{i} ({how}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}"); }
            }
            output.WriteLine(string.Join(", ", counts.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
            Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(10)));
        }
        finally { root.Delete(true); }
    }

    [Fact]
    public void MutatedProtoFieldsLoadOrFailWithTypedErrors()
    {
        // Structured mutations the byte fuzzer rarely reaches: plausible field values that are wrong.
        var rnd = new Random(7);
        var failures = new List<string>();
        long[] dims = [0, 1, -1, -2, 3, 1 << 20, int.MaxValue, long.MaxValue, long.MinValue];
        int[] types = [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 16, 99, -1];
        for (int i = 0; i < 1500; i++)
        {
            var m = OnnxModels.AddReluReshape();
            string how;
            switch (rnd.Next(7))
            {
                case 0:
                    var t = m.Graph.Initializer[rnd.Next(2)];
                    t.Dims[rnd.Next(t.Dims.Count)] = dims[rnd.Next(dims.Length)];
                    how = $"initializer {t.Name} dims [{string.Join(",", t.Dims)}]";
                    break;
                case 1:
                    t = m.Graph.Initializer[rnd.Next(2)];
                    t.DataType = types[rnd.Next(types.Length)];
                    how = $"initializer {t.Name} type {t.DataType}";
                    break;
                case 2:
                    var vi = rnd.Next(2) == 0 ? m.Graph.Input[0] : m.Graph.Output[0];
                    var d = vi.Type.TensorType.Shape.Dim[rnd.Next(2)];
                    d.DimValue = dims[rnd.Next(dims.Length)];
                    how = $"{vi.Name} dim := {d.DimValue}";
                    break;
                case 3:
                    vi = rnd.Next(2) == 0 ? m.Graph.Input[0] : m.Graph.Output[0];
                    vi.Type.TensorType.ElemType = types[rnd.Next(types.Length)];
                    how = $"{vi.Name} elem_type := {vi.Type.TensorType.ElemType}";
                    break;
                case 4:
                    var n = m.Graph.Node[rnd.Next(3)];
                    string[] names = ["x", "b", "s", "sum", "r", "y", "", "zz"];
                    if (rnd.Next(2) == 0) n.Input[rnd.Next(n.Input.Count)] = names[rnd.Next(names.Length)];
                    else n.Output[0] = names[rnd.Next(names.Length)];
                    how = $"node {n.Name} ({string.Join(",", n.Input)}) -> ({string.Join(",", n.Output)})";
                    break;
                case 5:
                    string[] outs = ["x", "b", "s", "sum", "r", "y", ""];
                    var o = OnnxModels.Info(outs[rnd.Next(outs.Length)], types[rnd.Next(types.Length)], rnd.Next(2) == 0 ? null : [dims[rnd.Next(dims.Length)]]);
                    if (rnd.Next(2) == 0) m.Graph.Output.Add(o); else m.Graph.Output[0] = o;
                    how = $"outputs {string.Join(",", m.Graph.Output.Select(v => v.Name))}";
                    break;
                default:
                    m.Opset(rnd.Next(0, 25));
                    m.Graph.Node[2].Attribute.Add(OnnxModels.IntAttr("allowzero", dims[rnd.Next(dims.Length)]));
                    how = $"opset {m.OpsetImport[0].Version}, allowzero {m.Graph.Node[2].Attribute[0].I}";
                    break;
            }
            try { Exercise(m.ToByteArray()); }
            catch (Exception e) { failures.Add($"{how}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}"); }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Distinct().Take(10)));
    }
}
