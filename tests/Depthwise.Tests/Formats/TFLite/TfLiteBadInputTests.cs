using System.Buffers.Binary;
using Depthwise.Formats;
using Depthwise.Formats.TFLite;
using Depthwise.Runtime;
using Depthwise.Tensors;
using B = Depthwise.Formats.TFLite.TfLiteBuiltinOperator;
using O = Depthwise.Formats.TFLite.TfLiteOptions;

namespace Depthwise.Tests.Formats.TFLite;

/// <summary>Malformed and unsupported .tflite files fail with typed errors that say what and where.</summary>
public sealed class TfLiteBadInputTests
{
    /// <summary>x (float [2]) → RELU → y.</summary>
    private static TfLiteModelBuilder Relu(out int x, out int y)
    {
        var b = new TfLiteModelBuilder();
        x = b.Float("x", 2);
        y = b.Float("y", 2);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.RELU, [x], [y]);
        return b;
    }

    private static ModelFormatException Fails(byte[] model) => Assert.Throws<ModelFormatException>(() => TfLiteImporter.Import(model, "bad.tflite"));

    [Fact]
    public void AValidSyntheticModelRuns()
    {
        var y = new InferenceSession(TfLiteImporter.Import(Relu(out _, out _).Build())).Run(Tensor.FromArray(new Shape(2), new[] { -1f, 2f }))[0];
        Assert.Equal(new[] { 0f, 2f }, y.ToArray<float>());
    }

    [Fact]
    public void TruncatedFilesAreFormatErrors()
    {
        var bytes = Relu(out _, out _).Build();
        for (int n = 0; n < bytes.Length; n += Math.Max(1, n / 8))
        {
            var e = Assert.ThrowsAny<DepthwiseException>(() => TfLiteImporter.Import(bytes.AsMemory(0, n), "cut.tflite"));
            Assert.IsType<ModelFormatException>(e);
            Assert.Contains("TensorFlow Lite", e.Message);
        }
    }

    [Fact]
    public void AWrongIdentifierOrSchemaVersionIsRejected()
    {
        var bytes = Relu(out _, out _).Build();
        bytes[7] = (byte)'2';
        var e = Fails(bytes);
        Assert.Contains("'TFL2', expected 'TFL3'", e.Message);
        Assert.Equal("bad.tflite", e.File);

        var b = Relu(out _, out _);
        b.Version = 2;
        Assert.Contains("schema version 2", Fails(b.Build()).Message);
        Assert.Throws<ModelFormatException>(() => ModelLoader.Load(new byte[] { 8, 0, 0, 0, (byte)'T', (byte)'F', (byte)'L', (byte)'3' }, "tiny.tflite"));
    }

    [Fact]
    public void IndicesOutOfRangeAreFormatErrors()
    {
        var b = Relu(out int x, out int y);
        b.Op(B.RELU, [x, 7], [y]);
        Assert.Contains("tensor index 7", Fails(b.Build()).Message);

        b = Relu(out _, out _);
        b.Inputs.Add(-1);
        Assert.Contains("tensor index -1", Fails(b.Build()).Message);

        b = new TfLiteModelBuilder();
        x = b.Float("x", 2);
        y = b.Float("y", 2);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.RELU, [x], [y]).U32(0, 5);
        Assert.Contains("opcode_index 5", Fails(b.Build()).Message);

        b = new TfLiteModelBuilder();
        x = b.Tensor("x", TfLiteTensorType.FLOAT32, [2]);
        y = b.Float("y", 2);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.RELU, [x], [y]);
        var bytes = b.Build();
        Assert.NotNull(TfLiteImporter.Import(bytes));
    }

    [Fact]
    public void BuffersMustMatchTheirTensorsAndLieInsideTheFile()
    {
        var b = new TfLiteModelBuilder();
        int x = b.Float("x", 2, 3), w = b.Tensor("w", TfLiteTensorType.FLOAT32, [3], new byte[8]), y = b.Float("y", 2, 3);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.ADD, [x, w], [y], O.Add, new FbTable());
        var e = Fails(b.Build());
        Assert.Contains("holds 8 bytes", e.Message);
        Assert.Contains("needs 12", e.Message);
        Assert.Contains("'w'", e.Message);

        // A tensor naming a buffer that does not exist.
        b = new TfLiteModelBuilder();
        x = b.Float("x", 3);
        w = b.Tensor("w", TfLiteTensorType.FLOAT32, [3], buffer: 99);
        y = b.Float("y", 3);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.ADD, [x, w], [y], O.Add, new FbTable());
        Assert.Contains("buffer index 99", Fails(b.Build()).Message);
    }

    [Fact]
    public void BufferDataOutsideTheFlatBufferIsReadByOffsetAndSizeWithBoundsChecks()
    {
        // Models over 2 GB keep constant data after the FlatBuffer: Buffer.offset (from the start of the file) and size.
        byte[] Build(ulong offset, ulong size)
        {
            var b = new TfLiteModelBuilder();
            b.AddRawBuffer(new FbTable().U64(1, offset).U64(2, size));
            int x = b.Float("x", 3), w = b.Tensor("w", TfLiteTensorType.FLOAT32, [3], buffer: 1), y = b.Float("y", 3);
            b.Inputs.Add(x);
            b.Outputs.Add(y);
            b.Op(B.ADD, [x, w], [y], O.Add, new FbTable());
            return b.Build();
        }
        byte[] WithData(ulong size)
        {
            // The FlatBuffer's length does not depend on the offset's value, so a probe gives where the data will start.
            ulong at = (ulong)Build(1000, 12).Length + 4;
            return [.. Build(at, size), 0, 0, 0, 0, .. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(2f), .. BitConverter.GetBytes(3f)];
        }
        var y = new InferenceSession(TfLiteImporter.Import(WithData(12))).Run(Tensor.FromArray(new Shape(3), new[] { 10f, 20f, 30f }))[0];
        Assert.Equal(new[] { 11f, 22f, 33f }, y.ToArray<float>());
        Assert.Contains("outside", Fails(WithData(1000)).Message);
        Assert.Contains("outside", Fails(WithData(ulong.MaxValue)).Message);
        Assert.Contains("holds 8 bytes", Fails(WithData(8)).Message);
    }

    private static byte[] QuantizedInput(FbTable quant, TfLiteTensorType type = TfLiteTensorType.UINT8, int[]? shape = null)
    {
        var b = new TfLiteModelBuilder();
        int x = b.Tensor("x", type, shape ?? [1, 2, 2, 3], quantization: quant);
        int y = b.Tensor("y", type, shape ?? [1, 2, 2, 3], quantization: quant);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.RESHAPE, [x], [y], O.Reshape, new FbTable().Ints(0, shape ?? [1, 2, 2, 3]));
        return b.Build();
    }

    [Fact]
    public void InconsistentQuantizationIsAFormatError()
    {
        var ok = TfLiteImporter.Import(QuantizedInput(TfLiteModelBuilder.Quant([0.5f], [128])));
        Assert.Equal(0.5f, ok.Inputs[0].Quant!.Scales[0]);
        Assert.Equal(128, ok.Inputs[0].Quant!.ZeroPoints[0]);

        Assert.Contains("2 scales but 1 zero points", Fails(QuantizedInput(TfLiteModelBuilder.Quant([0.5f, 0.25f], [128]))).Message);
        Assert.Contains("3 scales for dimension 1 of size 2", Fails(QuantizedInput(TfLiteModelBuilder.Quant([1, 2, 3], [0, 0, 0], 1))).Message);
        Assert.Contains("dimension 7", Fails(QuantizedInput(TfLiteModelBuilder.Quant([1, 2, 3], [0, 0, 0], 7))).Message);
        Assert.Contains("zero point 300", Fails(QuantizedInput(TfLiteModelBuilder.Quant([1], [300]))).Message);
        Assert.Contains("zero point 128", Fails(QuantizedInput(TfLiteModelBuilder.Quant([1], [128]), TfLiteTensorType.INT8)).Message);
        Assert.Contains("scale NaN", Fails(QuantizedInput(TfLiteModelBuilder.Quant([float.NaN], [0]))).Message);
        Assert.Contains("no scale", Fails(QuantizedInput(new FbTable().Longs(3, 1))).Message);
        Assert.Contains("custom quantization", Fails(QuantizedInput(TfLiteModelBuilder.Quant([1], [0]).Union(4, 1, new FbTable()))).Message);
        // Per-axis along the last dim is fine.
        var perAxis = TfLiteImporter.Import(QuantizedInput(TfLiteModelBuilder.Quant([1, 2, 3], [0, 0, 0], 3), TfLiteTensorType.INT8));
        Assert.Equal(3, perAxis.Inputs[0].Quant!.Axis);
    }

    [Fact]
    public void MalformedShapesAndGraphsAreFormatErrors()
    {
        var b = new TfLiteModelBuilder();
        int x = b.Float("x", 2, -3), y = b.Float("y", 2);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.RELU, [x], [y]);
        Assert.Contains("negative dimension", Fails(b.Build()).Message);

        b = new TfLiteModelBuilder();
        x = b.Float("x", 1, 1, 1, 1, 1, 1, 1, 1, 1);
        y = b.Float("y", 2);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.RELU, [x], [y]);
        Assert.Contains("at most 8", Fails(b.Build()).Message);

        b = new TfLiteModelBuilder();
        x = b.Float("x", 65536, 65536, 65536);
        y = b.Float("y", 2);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.RELU, [x], [y]);
        Assert.Contains("more than", Fails(b.Build()).Message);

        // Reading a tensor nothing wrote.
        b = new TfLiteModelBuilder();
        x = b.Float("x", 2);
        int orphan = b.Float("orphan", 2);
        y = b.Float("y", 2);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.ADD, [x, orphan], [y], O.Add, new FbTable());
        Assert.Contains("'orphan' is read before any operator writes it", Fails(b.Build()).Message);

        // Two operators writing one tensor.
        b = Relu(out x, out y);
        b.Op(B.RELU, [x], [y]);
        Assert.Contains("written by an earlier operator", Fails(b.Build()).Message);

        // An output nothing writes.
        b = Relu(out _, out _);
        b.Outputs.Add(b.Float("never", 2));
        Assert.Contains("not written by any operator", Fails(b.Build()).Message);

        // Options of another operator's type.
        b = new TfLiteModelBuilder();
        x = b.Float("x", 2);
        y = b.Float("y", 2);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.ADD, [x, x], [y], O.Conv2D, new FbTable());
        Assert.Contains("union type 1", Fails(b.Build()).Message);
    }

    [Fact]
    public void InvalidOperatorAttributesAreFormatErrorsNamingTheOperator()
    {
        var conv = TfLiteModelBuilder.Single(B.CONV_2D, O.Conv2D, new FbTable().U8(0, 0).I32(1, 0).I32(2, 1), [1, 2, 2, 1],
            ("x", [1, 2, 2, 1], null), ("w", [1, 1, 1, 1], [1f]));
        var e = Fails(conv);
        Assert.Contains("operator #0 (CONV_2D) writing 'y'", e.Message);
        Assert.Contains("stride_w is 0", e.Message);

        var pad = TfLiteModelBuilder.Single(B.CONV_2D, O.Conv2D, new FbTable().U8(0, 9).I32(1, 1).I32(2, 1), [1, 2, 2, 1],
            ("x", [1, 2, 2, 1], null), ("w", [1, 1, 1, 1], [1f]));
        Assert.Contains("padding 9", Fails(pad).Message);

        var act = TfLiteModelBuilder.Single(B.ADD, O.Add, new FbTable().U8(0, 5), [2], ("a", [2], null), ("b", [2], [1f, 2f]));
        Assert.Contains("SIGN_BIT", Assert.Throws<UnsupportedOperatorException>(() => TfLiteImporter.Import(act)).Message);
    }

    [Fact]
    public void MalformedMetadataIsAFormatErrorAndAbsentMetadataIsNone()
    {
        var b = Relu(out _, out _);
        b.AddMetadata(TfLiteMetadataReader.MetadataName, FlatBufferBuilder.Serialize(new FbTable().String(0, "ok"), "M001"));
        Assert.Equal("ok", TfLiteImporter.Import(b.Build()).ModelInfo!.Name);

        b = Relu(out _, out _);
        b.AddMetadata(TfLiteMetadataReader.MetadataName, FlatBufferBuilder.Serialize(new FbTable().String(0, "ok"), "XXXX"));
        Assert.Contains("metadata", Fails(b.Build()).Message);

        b = Relu(out _, out _);
        b.AddMetadata("min_runtime_version", "1.5.0\0\0\0"u8.ToArray());
        var g = TfLiteImporter.Import(b.Build());
        Assert.Null(g.ModelInfo);
        Assert.Equal("1.5.0", g.Metadata["tflite.min_runtime_version"]);
    }
}
