using System.Globalization;
using Depthwise.Tensors;

namespace Depthwise.Formats.TFLite;

/// <summary>
/// A .tflite file read into plain records (schema.fbs <c>Model</c>): operator codes, the first subgraph (the only one
/// Depthwise imports; the others are only counted), buffers (slices of the file, not copies), metadata entries and
/// the description. Every field is read through <see cref="FlatBufferReader"/>, so a malformed file fails here with
/// a <see cref="ModelFormatException"/> naming the byte offset and field path.
/// </summary>
internal sealed class TfLiteModel
{
    /// <summary>The FlatBuffers file identifier of TFLite models.</summary>
    public const string FileIdentifier = "TFL3";

    /// <summary>The schema version this reader understands (TFLite refuses every other).</summary>
    public const uint SchemaVersion = 3;

    // Field numbers of schema.fbs (declaration order; a union takes two).
    private const int ModelVersion = 0, ModelOperatorCodes = 1, ModelSubgraphs = 2, ModelDescription = 3, ModelBuffers = 4,
        ModelMetadata = 6, ModelSignatureDefs = 7;
    private const int CodeDeprecatedBuiltin = 0, CodeCustom = 1, CodeVersion = 2, CodeBuiltin = 3;
    private const int SubTensors = 0, SubInputs = 1, SubOutputs = 2, SubOperators = 3, SubName = 4;
    private const int TensorShape = 0, TensorType = 1, TensorBuffer = 2, TensorName = 3, TensorQuantization = 4, TensorIsVariable = 5,
        TensorSparsity = 6, TensorShapeSignature = 7, TensorHasRank = 8;
    private const int QuantMin = 0, QuantMax = 1, QuantScale = 2, QuantZeroPoint = 3, QuantDetailsType = 4, QuantDimension = 6;
    private const int OpOpcodeIndex = 0, OpInputs = 1, OpOutputs = 2, OpOptionsType = 3, OpCustomOptions = 5,
        OpLargeCustomOffset = 9, OpLargeCustomSize = 10;
    private const int BufferDataField = 0, BufferOffset = 1, BufferSize = 2;
    private const int MetadataName = 0, MetadataBuffer = 1;
    private const int SignatureKey = 2;

    private TfLiteModel(FlatBufferReader reader) => Reader = reader;

    /// <summary>The reader over the whole file.</summary>
    public FlatBufferReader Reader { get; }

    /// <summary>The schema version the file declares.</summary>
    public uint Version { get; private set; }

    /// <summary>The model's description, when set.</summary>
    public string? Description { get; private set; }

    /// <summary>Operator codes, indexed by <see cref="TfLiteOperator.OpcodeIndex"/>.</summary>
    public TfLiteOperatorCode[] OperatorCodes { get; private set; } = [];

    /// <summary>Number of subgraphs in the file.</summary>
    public int SubgraphCount { get; private set; }

    /// <summary>Name of subgraph 0, when set.</summary>
    public string? SubgraphName { get; private set; }

    /// <summary>Tensors of subgraph 0.</summary>
    public TfLiteTensor[] Tensors { get; private set; } = [];

    /// <summary>Input tensor indices of subgraph 0, in model order.</summary>
    public int[] Inputs { get; private set; } = [];

    /// <summary>Output tensor indices of subgraph 0, in model order.</summary>
    public int[] Outputs { get; private set; } = [];

    /// <summary>Operators of subgraph 0, in execution order.</summary>
    public TfLiteOperator[] Operators { get; private set; } = [];

    /// <summary>Number of buffers.</summary>
    public int BufferCount => _buffers.Count;

    /// <summary>Metadata entries (name → buffer index), in file order.</summary>
    public IReadOnlyList<(string Name, uint Buffer)> Metadata { get; private set; } = [];

    /// <summary>Signature keys (e.g. "serving_default"), when the model has signature defs.</summary>
    public IReadOnlyList<string> SignatureKeys { get; private set; } = [];

    private FlatTableVector _buffers;

    /// <summary>Reads a TFLite model. The bytes must stay unchanged while the model is in use (buffers are slices).</summary>
    /// <exception cref="ModelFormatException">The bytes are not a valid TFLite model.</exception>
    public static TfLiteModel Read(ReadOnlyMemory<byte> bytes, string? source)
    {
        var reader = FlatBufferReader.Open(bytes, source, FileIdentifier, "TensorFlow Lite model");
        var m = new TfLiteModel(reader);
        var root = reader.Root("model");
        m.Version = root.U32(ModelVersion, "version");
        if (m.Version != SchemaVersion)
            throw reader.Error($"schema version {m.Version} is not supported (only version {SchemaVersion}, what every TFLite converter since 2018 writes)", root.Position, "model.version");
        m.Description = root.String(ModelDescription, "description");

        var codes = root.Tables(ModelOperatorCodes, "operator_codes");
        m.OperatorCodes = new TfLiteOperatorCode[codes.Count];
        for (int i = 0; i < codes.Count; i++)
        {
            var c = codes[i];
            // Old files only set the int8 field; new ones set both, with the deprecated one capped at 127.
            int deprecated = c.I8(CodeDeprecatedBuiltin, "deprecated_builtin_code");
            int builtin = c.I32(CodeBuiltin, "builtin_code");
            m.OperatorCodes[i] = new TfLiteOperatorCode(Math.Max(deprecated, builtin), c.String(CodeCustom, "custom_code"), c.I32(CodeVersion, "version", 1));
        }

        m._buffers = root.Tables(ModelBuffers, "buffers");

        var subgraphs = root.Tables(ModelSubgraphs, "subgraphs");
        m.SubgraphCount = subgraphs.Count;
        if (subgraphs.Count == 0) throw reader.Error("the model has no subgraphs", root.Position, "model.subgraphs");
        m.ReadSubgraph(subgraphs[0]);

        var meta = root.Tables(ModelMetadata, "metadata");
        var list = new List<(string, uint)>(meta.Count);
        for (int i = 0; i < meta.Count; i++)
        {
            var e = meta[i];
            list.Add((e.String(MetadataName, "name") ?? "", e.U32(MetadataBuffer, "buffer")));
        }
        m.Metadata = list;

        var sigs = root.Tables(ModelSignatureDefs, "signature_defs");
        var keys = new List<string>(sigs.Count);
        for (int i = 0; i < sigs.Count; i++) keys.Add(sigs[i].String(SignatureKey, "signature_key") ?? "");
        m.SignatureKeys = keys;
        return m;
    }

    private void ReadSubgraph(FlatTable sg)
    {
        SubgraphName = sg.String(SubName, "name");
        var tensors = sg.Tables(SubTensors, "tensors");
        Tensors = new TfLiteTensor[tensors.Count];
        for (int i = 0; i < tensors.Count; i++) Tensors[i] = ReadTensor(tensors[i], i);
        Inputs = sg.Ints(SubInputs, "inputs") ?? [];
        Outputs = sg.Ints(SubOutputs, "outputs") ?? [];
        foreach (int t in Inputs) CheckTensorIndex(t, sg, "inputs", allowAbsent: false);
        foreach (int t in Outputs) CheckTensorIndex(t, sg, "outputs", allowAbsent: false);
        var ops = sg.Tables(SubOperators, "operators");
        Operators = new TfLiteOperator[ops.Count];
        for (int i = 0; i < ops.Count; i++) Operators[i] = ReadOperator(ops[i], i);
    }

    private void CheckTensorIndex(int t, FlatTable owner, string field, bool allowAbsent)
    {
        if (allowAbsent && t == -1) return;
        if (t < 0 || t >= Tensors.Length)
            throw Reader.Error($"tensor index {t} is out of range (the subgraph has {Tensors.Length} tensors{(allowAbsent ? "; −1 marks an omitted input" : "")})", owner.Position, $"{owner.Path}.{field}");
    }

    private TfLiteTensor ReadTensor(FlatTable t, int index)
    {
        var shape = t.Ints(TensorShape, "shape", Shape.MaxRank) ?? [];
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw Reader.Error($"the shape [{string.Join(",", shape)}] has a negative dimension", t.Position, t.Path + ".shape");
            count *= d;
            if (count > Shape.MaxElements) throw Reader.Error($"the shape [{string.Join(",", shape)}] has more than {Shape.MaxElements} elements", t.Position, t.Path + ".shape");
        }
        var signature = t.Ints(TensorShapeSignature, "shape_signature", Shape.MaxRank);
        if (signature is not null && signature.Length != shape.Length)
            throw Reader.Error($"shape_signature [{string.Join(",", signature)}] and shape [{string.Join(",", shape)}] differ in rank", t.Position, t.Path + ".shape_signature");
        TfLiteQuantization? quant = null;
        if (t.Table(TensorQuantization, "quantization") is { } q)
        {
            quant = new TfLiteQuantization(q.Floats(QuantMin, "min"), q.Floats(QuantMax, "max"), q.Floats(QuantScale, "scale"),
                q.Longs(QuantZeroPoint, "zero_point"), q.U8(QuantDetailsType, "details_type"), q.I32(QuantDimension, "quantized_dimension"));
        }
        string name = t.String(TensorName, "name") ?? "";
        uint buffer = t.U32(TensorBuffer, "buffer");
        if (buffer >= (uint)Math.Max(_buffers.Count, 1) && buffer != 0)
            throw Reader.Error($"buffer index {buffer} is out of range (the model has {_buffers.Count} buffers)", t.Position, t.Path + ".buffer");
        return new TfLiteTensor(index, shape, signature, (TfLiteTensorType)t.I8(TensorType, "type"), buffer, name, quant,
            t.Bool(TensorIsVariable, "is_variable"), t.Has(TensorSparsity, "sparsity"), t.Bool(TensorHasRank, "has_rank"), $"{t.Path} '{name}'");
    }

    private TfLiteOperator ReadOperator(FlatTable o, int index)
    {
        uint opcode = o.U32(OpOpcodeIndex, "opcode_index");
        if (opcode >= (uint)OperatorCodes.Length)
            throw Reader.Error($"opcode_index {opcode} is out of range (the model has {OperatorCodes.Length} operator codes)", o.Position, o.Path + ".opcode_index");
        var inputs = o.Ints(OpInputs, "inputs") ?? [];
        var outputs = o.Ints(OpOutputs, "outputs") ?? [];
        foreach (int t in inputs) CheckTensorIndex(t, o, "inputs", allowAbsent: true);
        foreach (int t in outputs) CheckTensorIndex(t, o, "outputs", allowAbsent: false);
        var (optionsType, options) = o.Union(OpOptionsType, "builtin_options");
        ReadOnlyMemory<byte>? custom = o.Bytes(OpCustomOptions, "custom_options");
        ulong largeOffset = o.U64(OpLargeCustomOffset, "large_custom_options_offset");
        if (largeOffset > 1)
        {
            ulong size = o.U64(OpLargeCustomSize, "large_custom_options_size");
            custom = Slice(largeOffset, size, o.Position, o.Path + ".large_custom_options_offset", "the custom options");
        }
        return new TfLiteOperator(index, opcode, inputs, outputs, optionsType, options, custom, o.Path);
    }

    /// <summary>
    /// The data of buffer <paramref name="index"/> (a slice of the file; empty when the buffer has none). Models over
    /// 2 GB keep data outside the FlatBuffer: then offset (from the start of the file, valid when &gt; 1) and size say where.
    /// </summary>
    public ReadOnlyMemory<byte> BufferData(uint index, string path)
    {
        if (index == 0 && _buffers.Count == 0) return ReadOnlyMemory<byte>.Empty;
        if (index >= (uint)_buffers.Count)
            throw Reader.Error($"buffer index {index} is out of range (the model has {_buffers.Count} buffers)", 0, path);
        var b = _buffers[(int)index];
        ulong offset = b.U64(BufferOffset, "offset");
        if (offset > 1) return Slice(offset, b.U64(BufferSize, "size"), b.Position, b.Path + ".offset", "the buffer's data");
        return b.Bytes(BufferDataField, "data") ?? ReadOnlyMemory<byte>.Empty;
    }

    private ReadOnlyMemory<byte> Slice(ulong offset, ulong size, int at, string path, string what)
    {
        if (offset > (ulong)Reader.Length || size > (ulong)Reader.Length - offset)
            throw Reader.Error($"{what} at file offset {offset.ToString(CultureInfo.InvariantCulture)} ({size.ToString(CultureInfo.InvariantCulture)} bytes) lies outside the {Reader.Length}-byte file", at, path);
        Reader.Charge((long)size, at, path);
        return Reader.Memory.Slice((int)offset, (int)size);
    }
}
