using System.Runtime.InteropServices;
using Depthwise.Formats.TFLite;

namespace Depthwise.Tests.Formats.TFLite;

/// <summary>
/// Builds small synthetic .tflite models (schema.fbs field numbers) for importer tests: tensors with optional
/// constant data and quantization, operators with builtin or custom options, subgraph inputs and outputs.
/// </summary>
internal sealed class TfLiteModelBuilder
{
    private readonly List<FbTable> _tensors = [];
    private readonly List<FbTable> _operators = [];
    private readonly List<FbTable> _buffers = [new FbTable()];
    private readonly List<(int Builtin, string? Custom, int Version)> _codes = [];
    private readonly List<FbTable> _metadata = [];

    public List<int> Inputs { get; } = [];
    public List<int> Outputs { get; } = [];
    public string? Description { get; set; }
    public uint Version { get; set; } = 3;

    /// <summary>Adds a tensor; returns its index.</summary>
    public int Tensor(string name, TfLiteTensorType type, int[] shape, byte[]? data = null, FbTable? quantization = null, int[]? shapeSignature = null, int? buffer = null)
    {
        var t = new FbTable().Ints(0, shape).I8(1, (sbyte)type).String(3, name);
        if (data is not null) t.U32(2, (uint)AddBuffer(data));
        else if (buffer is { } index) t.U32(2, (uint)index);
        if (quantization is not null) t.Child(4, quantization);
        if (shapeSignature is not null) t.Ints(7, shapeSignature);
        _tensors.Add(t);
        return _tensors.Count - 1;
    }

    public int Float(string name, params int[] shape) => Tensor(name, TfLiteTensorType.FLOAT32, shape);

    public int FloatConst(string name, int[] shape, float[] data) => Tensor(name, TfLiteTensorType.FLOAT32, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    public int IntConst(string name, int[] shape, int[] data) => Tensor(name, TfLiteTensorType.INT32, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    public int HalfConst(string name, int[] shape, float[] data)
    {
        var h = data.Select(v => (Half)v).ToArray();
        return Tensor(name, TfLiteTensorType.FLOAT16, shape, MemoryMarshal.AsBytes(h.AsSpan()).ToArray());
    }

    public static FbTable Quant(float[] scale, long[] zeroPoint, int dimension = 0) =>
        new FbTable().Floats(2, scale).Longs(3, zeroPoint).I32(6, dimension);

    public int AddBuffer(byte[] data)
    {
        _buffers.Add(new FbTable().Bytes(0, data));
        return _buffers.Count - 1;
    }

    public void AddRawBuffer(FbTable buffer) => _buffers.Add(buffer);

    public void AddMetadata(string name, byte[] data) => _metadata.Add(new FbTable().String(0, name).U32(1, (uint)AddBuffer(data)));

    private int Code(int builtin, string? custom, int version)
    {
        int i = _codes.IndexOf((builtin, custom, version));
        if (i >= 0) return i;
        _codes.Add((builtin, custom, version));
        return _codes.Count - 1;
    }

    /// <summary>Adds a builtin operator with its options (union type + table).</summary>
    public FbTable Op(TfLiteBuiltinOperator op, int[] inputs, int[] outputs, TfLiteOptions optionsType = TfLiteOptions.None, FbTable? options = null, int version = 1)
    {
        var t = new FbTable().U32(0, (uint)Code((int)op, null, version)).Ints(1, inputs).Ints(2, outputs);
        if (options is not null) t.Union(3, (byte)optionsType, options);
        _operators.Add(t);
        return t;
    }

    /// <summary>Adds a custom operator with raw custom options.</summary>
    public FbTable Custom(string code, int[] inputs, int[] outputs, byte[]? customOptions)
    {
        var t = new FbTable().U32(0, (uint)Code((int)TfLiteBuiltinOperator.CUSTOM, code, 1)).Ints(1, inputs).Ints(2, outputs);
        if (customOptions is not null) t.Bytes(5, customOptions);
        _operators.Add(t);
        return t;
    }

    public byte[] Build()
    {
        var codes = _codes.Select(c =>
        {
            var t = new FbTable().I8(0, (sbyte)Math.Min(c.Builtin, 127)).I32(2, c.Version).I32(3, c.Builtin);
            if (c.Custom is not null) t.String(1, c.Custom);
            return t;
        }).ToArray();
        var subgraph = new FbTable().Tables(0, _tensors.ToArray()).Ints(1, Inputs.ToArray()).Ints(2, Outputs.ToArray())
            .Tables(3, _operators.ToArray()).String(4, "main");
        var model = new FbTable().U32(0, Version).Tables(1, codes).Tables(2, subgraph).String(3, Description).Tables(4, _buffers.ToArray());
        if (_metadata.Count > 0) model.Tables(6, _metadata.ToArray());
        return FlatBufferBuilder.Serialize(model, "TFL3");
    }

    /// <summary>A model with one float operator: its inputs are graph inputs unless given as constants.</summary>
    public static byte[] Single(TfLiteBuiltinOperator op, TfLiteOptions optionsType, FbTable? options, int[] outShape, params (string Name, int[] Shape, float[]? Data)[] inputs)
    {
        var b = new TfLiteModelBuilder();
        var ins = new int[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            ins[i] = inputs[i].Data is { } d ? b.FloatConst(inputs[i].Name, inputs[i].Shape, d) : b.Float(inputs[i].Name, inputs[i].Shape);
            if (inputs[i].Data is null) b.Inputs.Add(ins[i]);
        }
        int y = b.Float("y", outShape);
        b.Outputs.Add(y);
        b.Op(op, ins, [y], optionsType, options);
        return b.Build();
    }
}
