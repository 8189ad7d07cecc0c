using System.Buffers.Binary;
using Depthwise.Formats.TFLite;
using Depthwise.Runtime;

namespace Depthwise.Conformance.TfLiteSynthetic;

/// <summary>
/// The test-side TFLite writer against Depthwise's own FlatBuffer reader (<see cref="TfLiteModel"/>): what one writes,
/// the other reads back field for field; and every catalogue model parses, imports and is deterministic.
/// </summary>
public sealed class TfLiteModelWriterTests
{
    [Fact]
    public void ReaderReadsWhatTheWriterWrites()
    {
        var w = new TfLiteModelWriter("round trip");
        int x = w.Input("x", TflType.UInt8, [1, 7, 5, 3], TflQuant.Of(0.5f, 128));
        var filter = new sbyte[4 * 3 * 3 * 3];
        for (int i = 0; i < filter.Length; i++) filter[i] = (sbyte)(i % 255 - 127);
        int f = w.Constant("filter", [4, 3, 3, 3], filter, new TflQuant([0.1f, 0.2f, 0.3f, 0.4f], [0, 0, 0, 0], 0));
        int b = w.Constant("bias", [4], new[] { -1, 2, int.MaxValue, int.MinValue }, new TflQuant([0.05f, 0.1f, 0.15f, 0.2f], [0, 0, 0, 0], 0));
        int f32 = w.Constant("floats", [2], new[] { 1.5f, -0.25f });
        int y = w.Output("y", TflType.Int8, [1, 4, 3, 4], TflQuant.Of(0.25f, -3));
        int z = w.Output("z", TflType.Int32, [1, 4, 3]);
        w.Operator(TflOp.CONV_2D, [x, f, b], [y], TflOptions.Conv2D(TflPadding.Same, 2, 3, TflActivation.Relu6, 1, 2), 3);
        w.Operator(TflOp.ARG_MAX, [y, f32], [z], TflOptions.ArgMax(TflType.Int32), 2);
        w.Operator(TflOp.HARD_SWISH, [x], [y]);
        w.Operator(TflOp.CONV_2D, [x, f, -1], [y], TflOptions.Conv2D(TflPadding.Valid, 1, 1), 3);

        var m = TfLiteModel.Read(w.Build(), "round-trip.tflite");
        Assert.Equal(3u, m.Version);
        Assert.Equal("round trip", m.Description);
        Assert.Equal(1, m.SubgraphCount);
        Assert.Equal("main", m.SubgraphName);
        // Operator codes: one per (operator, version), the builtin code in both fields.
        Assert.Equal([(3, 3), (56, 2), (117, 1)], m.OperatorCodes.Select(c => (c.Builtin, c.Version)));
        Assert.All(m.OperatorCodes, c => Assert.Null(c.CustomCode));
        Assert.Equal([x], m.Inputs);
        Assert.Equal([y, z], m.Outputs);

        Assert.Equal(6, m.Tensors.Length);
        var tx = m.Tensors[x];
        Assert.Equal(("x", TfLiteTensorType.UINT8, 0u), (tx.Name, tx.Type, tx.Buffer));
        Assert.Equal([1, 7, 5, 3], tx.Shape);
        Assert.Equal([0.5f], tx.Quantization!.Scale!);
        Assert.Equal([128L], tx.Quantization.ZeroPoint!);
        var tf = m.Tensors[f];
        Assert.Equal(TfLiteTensorType.INT8, tf.Type);
        Assert.Equal([0.1f, 0.2f, 0.3f, 0.4f], tf.Quantization!.Scale!);
        Assert.Equal(0, tf.Quantization.QuantizedDimension);
        Assert.Equal(filter.Select(v => unchecked((byte)v)), m.BufferData(tf.Buffer, "filter").ToArray());
        var tb = m.Tensors[b];
        var biasBytes = m.BufferData(tb.Buffer, "bias").ToArray();
        Assert.Equal([-1, 2, int.MaxValue, int.MinValue], Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadInt32LittleEndian(biasBytes.AsSpan(4 * i))));
        var floats = m.BufferData(m.Tensors[f32].Buffer, "floats").ToArray();
        Assert.Equal([1.5f, -0.25f], Enumerable.Range(0, 2).Select(i => BinaryPrimitives.ReadSingleLittleEndian(floats.AsSpan(4 * i))));
        Assert.Equal(-3L, m.Tensors[y].Quantization!.ZeroPoint![0]);
        Assert.Null(m.Tensors[z].Quantization);
        Assert.NotEqual(tf.Buffer, tb.Buffer);
        Assert.True(m.BufferData(0, "sentinel").IsEmpty);

        // Operators: inputs (−1 = omitted), outputs, options (union type + table, fields by schema number).
        var conv = m.Operators[0];
        Assert.Equal(0u, conv.OpcodeIndex);
        Assert.Equal([x, f, b], conv.Inputs);
        Assert.Equal([y], conv.Outputs);
        Assert.Equal(1, conv.OptionsType);
        var o = conv.Options!.Value;
        Assert.Equal((0, 2, 3, 3, 1, 2), (o.I8(0, "padding"), o.I32(1, "stride_w"), o.I32(2, "stride_h"), o.I8(3, "fused_activation_function"),
            o.I32(4, "dilation_w_factor"), o.I32(5, "dilation_h_factor")));
        var argMax = m.Operators[1];
        Assert.Equal((1u, 40), (argMax.OpcodeIndex, (int)argMax.OptionsType));
        Assert.Equal((sbyte)TfLiteTensorType.INT32, argMax.Options!.Value.I8(0, "output_type"));
        Assert.Equal((2u, 0, null), (m.Operators[2].OpcodeIndex, (int)m.Operators[2].OptionsType, m.Operators[2].Options));
        Assert.Equal([x, f, -1], m.Operators[3].Inputs);
        Assert.Equal(1, m.Operators[3].Options!.Value.I8(0, "padding"));
    }

    [Fact]
    public void OptionsTablesHoldTheirFields()
    {
        var w = new TfLiteModelWriter("options");
        int x = w.Input("x", TflType.Float32, [1, 4]);
        var all = new[]
        {
            TflOptions.DepthwiseConv2D(TflPadding.Valid, 2, 1, 3, TflActivation.Relu, 2, 1),
            TflOptions.Pool2D(TflPadding.Same, 1, 2, 3, 4, TflActivation.ReluN1To1),
            TflOptions.FullyConnected(TflActivation.Relu, keepNumDims: true, asymmetricQuantizeInputs: true),
            TflOptions.Softmax(0.75f),
            TflOptions.Concatenation(-1, TflActivation.Relu6),
            TflOptions.ResizeBilinear(true, false),
            TflOptions.StridedSlice(1, 2, 4, 8, 16),
            TflOptions.Split(3),
            TflOptions.TransposeConv(TflPadding.Valid, 2, 3),
            TflOptions.ResizeNearestNeighbor(false, true),
            TflOptions.LeakyRelu(0.125f),
            TflOptions.Reducer(true),
        };
        foreach (var options in all) w.Operator(TflOp.ADD, [x, x], [x], options);
        var ops = TfLiteModel.Read(w.Build(), "options.tflite").Operators;
        Assert.Equal([2, 5, 8, 9, 10, 15, 32, 35, 49, 74, 75, 27], ops.Select(op => (int)op.OptionsType));
        var dw = ops[0].Options!.Value;
        Assert.Equal((1, 2, 1, 3, 1, 2, 1), (dw.I8(0, ""), dw.I32(1, ""), dw.I32(2, ""), dw.I32(3, ""), dw.I8(4, ""), dw.I32(5, ""), dw.I32(6, "")));
        var pool = ops[1].Options!.Value;
        Assert.Equal((0, 1, 2, 3, 4, 2), (pool.I8(0, ""), pool.I32(1, ""), pool.I32(2, ""), pool.I32(3, ""), pool.I32(4, ""), pool.I8(5, "")));
        var fc = ops[2].Options!.Value;
        Assert.Equal((1, 0, true, true), (fc.I8(0, ""), fc.I8(1, ""), fc.Bool(2, ""), fc.Bool(3, "")));
        Assert.Equal(0.75f, ops[3].Options!.Value.F32(0, ""));
        Assert.Equal((-1, 3), (ops[4].Options!.Value.I32(0, ""), ops[4].Options!.Value.I8(1, "")));
        Assert.Equal((true, false), (ops[5].Options!.Value.Bool(2, ""), ops[5].Options!.Value.Bool(3, "")));
        var ss = ops[6].Options!.Value;
        Assert.Equal((1, 2, 4, 8, 16), (ss.I32(0, ""), ss.I32(1, ""), ss.I32(2, ""), ss.I32(3, ""), ss.I32(4, "")));
        Assert.Equal(3, ops[7].Options!.Value.I32(0, ""));
        Assert.Equal((1, 2, 3), (ops[8].Options!.Value.I8(0, ""), ops[8].Options!.Value.I32(1, ""), ops[8].Options!.Value.I32(2, "")));
        Assert.Equal((false, true), (ops[9].Options!.Value.Bool(0, ""), ops[9].Options!.Value.Bool(1, "")));
        Assert.Equal(0.125f, ops[10].Options!.Value.F32(0, ""));
        Assert.True(ops[11].Options!.Value.Bool(0, ""));
    }

    public static TheoryData<string> Catalogue
    {
        get
        {
            var rows = new TheoryData<string>();
            foreach (var m in SyntheticModels.All) rows.Add(m.Name);
            return rows;
        }
    }

    /// <summary>Every catalogue model parses, builds the same bytes twice, and its tensors' constant data has the size its shape says.</summary>
    [Theory]
    [MemberData(nameof(Catalogue))]
    public void CatalogueModelIsWellFormed(string name)
    {
        var model = SyntheticModels.Get(name);
        var bytes = model.Build();
        Assert.Equal(bytes, model.Build());
        Assert.InRange(bytes.Length, 256, 16 * 1024);
        var m = TfLiteModel.Read(bytes, name + ".tflite");
        Assert.NotEmpty(m.Inputs);
        Assert.NotEmpty(m.Outputs);
        Assert.Equal(m.Outputs.Length, m.Outputs.Select(i => m.Tensors[i].Name).Distinct().Count());
        foreach (var t in m.Tensors.Where(t => t.Buffer != 0))
        {
            int size = t.Type switch { TfLiteTensorType.FLOAT32 or TfLiteTensorType.INT32 => 4, TfLiteTensorType.INT64 => 8, TfLiteTensorType.FLOAT16 => 2, _ => 1 };
            Assert.Equal(t.ElementCount * size, m.BufferData(t.Buffer, t.Name).Length);
            // Constant data is 16-byte aligned in the file (TFLite maps buffers in place).
            Assert.True(MemoryOffset(bytes, m.BufferData(t.Buffer, t.Name)) % 16 == 0, $"{t} data is not 16-byte aligned");
        }
    }

    /// <summary>The catalogue's description of each model matches its outputs: the graph Depthwise imports has them, by name.</summary>
    [Theory]
    [MemberData(nameof(Catalogue))]
    public void ImportedGraphKeepsTheOutputNames(string name)
    {
        var model = SyntheticModels.Get(name);
        var m = TfLiteModel.Read(model.Build(), name);
        var names = m.Outputs.Select(i => m.Tensors[i].Name).ToArray();
        InferenceSession session;
        try { session = InferenceSession.FromBytes(model.Build()); }
        catch (DepthwiseException) when (TfLiteSyntheticTests.KnownDifferences.TryGetValue($"{name}/*", out var k) && k.LoadError is not null) { return; }
        Assert.Equal(names, session.Outputs.Select(o => o.Name));
    }

    private static long MemoryOffset(byte[] file, ReadOnlyMemory<byte> slice)
    {
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(slice, out var segment) && ReferenceEquals(segment.Array, file));
        return segment.Offset;
    }
}
