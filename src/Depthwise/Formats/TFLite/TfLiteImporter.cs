using System.Globalization;
using Depthwise.Graph;
using Depthwise.Tensors;

namespace Depthwise.Formats.TFLite;

/// <summary>
/// Reads a TensorFlow Lite model (.tflite) into the graph IR. The FlatBuffer is read directly (no FlatBuffers
/// library, every offset checked), subgraph 0 is translated operator by operator through <see cref="TfLiteOpTable"/>
/// into NHWC (channels-last) IR ops, constant weights are permuted once into the IR's layouts, and quantized tensors
/// (uint8/int8 with scale and zero point) keep their parameters as <see cref="Value.Quant"/>. The model's metadata
/// (normalization, labels) becomes <see cref="Graph.Graph.ModelInfo"/>. Graph inputs and outputs keep the TFLite
/// tensor names and the model's order. Every problem is a <see cref="DepthwiseException"/>: a
/// <see cref="ModelFormatException"/> naming the byte offset or field, or an <see cref="UnsupportedOperatorException"/>
/// naming the operator, its index and its output tensor.
/// </summary>
public static class TfLiteImporter
{
    /// <summary>Largest model file accepted (spans are indexed by int).</summary>
    public const long MaxModelBytes = int.MaxValue;

    /// <summary>True when <paramref name="head"/> (the first bytes of a file) carries the TFLite file identifier "TFL3" at bytes 4..8.</summary>
    public static bool IsTfLite(ReadOnlySpan<byte> head) => head.Length >= 8 && head[4..8].SequenceEqual("TFL3"u8);

    /// <summary>Imports a .tflite file.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="DepthwiseException">The file is not a valid or supported TFLite model.</exception>
    public static Graph.Graph Import(string path) => Import(path, null);

    /// <summary>Imports a .tflite file with the given options (null: <see cref="TfLiteImportOptions.Default"/>).</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="DepthwiseException">The file is not a valid or supported TFLite model.</exception>
    public static Graph.Graph Import(string path, TfLiteImportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileInfo fi;
        try { fi = new FileInfo(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new FileNotFoundException($"not a usable file path: {path} ({e.Message})", path, e);
        }
        if (!fi.Exists) throw new FileNotFoundException($"no such model file: {path}", path);
        if (fi.Length > MaxModelBytes) throw new ModelFormatException($"file is {fi.Length} bytes; the limit is {MaxModelBytes}", path);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot read the file: {e.Message}", path, inner: e);
        }
        return Import(bytes, path, options);
    }

    /// <summary>
    /// Imports model bytes; <paramref name="source"/> names them in errors; null <paramref name="options"/> are the
    /// defaults. The bytes must not change while the graph is built.
    /// </summary>
    /// <exception cref="DepthwiseException">The bytes are not a valid or supported TFLite model.</exception>
    public static Graph.Graph Import(ReadOnlyMemory<byte> bytes, string? source = null, TfLiteImportOptions? options = null)
    {
        var model = TfLiteModel.Read(bytes, source);
        var ctx = new Context(model, source, options ?? TfLiteImportOptions.Default);
        return ctx.Build();
    }

    /// <summary>The state of one import: the graph being built and the value of each TFLite tensor.</summary>
    internal sealed class Context
    {
        private readonly string[] _names;
        private readonly Value?[] _values;
        private readonly QuantParams?[] _quant;
        private readonly bool[] _quantRead;

        public Context(TfLiteModel model, string? source, TfLiteImportOptions options)
        {
            Model = model;
            Source = source;
            Options = options;
            Graph = new Graph.Graph(string.IsNullOrEmpty(model.SubgraphName) ? "main" : model.SubgraphName);
            _values = new Value?[model.Tensors.Length];
            _quant = new QuantParams?[model.Tensors.Length];
            _quantRead = new bool[model.Tensors.Length];
            _names = UniqueNames(model.Tensors);
        }

        public TfLiteModel Model { get; }

        public TfLiteImportOptions Options { get; }

        public string? Source { get; }

        public Graph.Graph Graph { get; }

        /// <summary>TFLite does not require tensor names to be unique or present; graph values do.</summary>
        private static string[] UniqueNames(TfLiteTensor[] tensors)
        {
            var names = new string[tensors.Length];
            var used = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < tensors.Length; i++)
            {
                string n = tensors[i].Name.Length > 0 ? tensors[i].Name : $"tensor_{i.ToString(CultureInfo.InvariantCulture)}";
                if (!used.Add(n))
                {
                    string b = n;
                    int k = i;
                    do { n = $"{b}#{k.ToString(CultureInfo.InvariantCulture)}"; k++; } while (!used.Add(n));
                }
                names[i] = n;
            }
            return names;
        }

        public string ValueName(int tensor) => _names[tensor];

        public Graph.Graph Build()
        {
            Graph.Metadata["tflite.schema_version"] = Model.Version.ToString(CultureInfo.InvariantCulture);
            if (!string.IsNullOrEmpty(Model.Description)) Graph.Metadata["description"] = Model.Description;
            if (Model.SubgraphCount > 1) Graph.Metadata["tflite.subgraphs"] = Model.SubgraphCount.ToString(CultureInfo.InvariantCulture);
            foreach (var (name, buffer) in Model.Metadata)
            {
                // Short text entries (e.g. min_runtime_version) are worth showing; binary ones (TFLITE_METADATA) are read below.
                if (name.Length == 0 || name == TfLiteMetadataReader.MetadataName) continue;
                var data = Model.BufferData(buffer, $"model.metadata '{name}'");
                if (data.Length is > 0 and <= 64 && data.Span.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) is int bad && (bad < 0 || data.Span[bad..].IndexOfAnyExcept((byte)0) < 0))
                    Graph.Metadata["tflite." + name] = System.Text.Encoding.ASCII.GetString(bad < 0 ? data.Span : data.Span[..bad]);
            }

            var seenInputs = new HashSet<int>();
            foreach (int t in Model.Inputs)
            {
                var tensor = Model.Tensors[t];
                if (!seenInputs.Add(t)) throw new ModelFormatException($"{tensor} is listed twice as a subgraph input", Source, "model.subgraphs[0].inputs");
                if (HasData(tensor)) throw new ModelFormatException($"subgraph input {tensor} has constant data", Source, tensor.Path);
                var v = Graph.AddInput(_names[t], DataTypeOf(tensor), DeclaredShape(tensor));
                v.Quant = Quant(t);
                _values[t] = v;
            }

            var produced = new bool[Model.Tensors.Length];
            foreach (var op in Model.Operators)
            {
                var code = Model.OperatorCodes[op.OpcodeIndex];
                foreach (int o in op.Outputs)
                {
                    if (produced[o] || seenInputs.Contains(o) || HasData(Model.Tensors[o]))
                        throw new ModelFormatException($"operator #{op.Index} ({code.Name}) writes {Model.Tensors[o]}, which is {(produced[o] ? "written by an earlier operator" : seenInputs.Contains(o) ? "a subgraph input" : "a constant")}", Source, op.Path);
                    produced[o] = true;
                }
                var node = new TfLiteNode(this, op, code);
                var row = TfLiteOpTable.Find(code)
                    ?? throw new UnsupportedOperatorException(node.Name, code.Name, code.Builtin == (int)TfLiteBuiltinOperator.CUSTOM ? "tflite.custom" : "tflite", code.Version,
                        $"operator #{op.Index} (writing tensor '{node.Name}') has no Depthwise implementation" + (code.Builtin is (int)TfLiteBuiltinOperator.WHILE or (int)TfLiteBuiltinOperator.IF or (int)TfLiteBuiltinOperator.CALL_ONCE or (int)TfLiteBuiltinOperator.CALL
                            ? $"; it runs other subgraphs, and only subgraph 0 of the model's {Model.SubgraphCount} is imported" : ""));
                try
                {
                    row(node);
                }
                // Rows read options a model may set to anything; an unexpected failure there is still the model's fault.
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException
                                          or OverflowException or InvalidCastException or KeyNotFoundException)
                {
                    throw new ModelFormatException($"operator #{op.Index} ({code.Name}) writing '{node.Name}' has invalid options or inputs: {e.Message}", Source, op.Path, e);
                }
                foreach (int o in op.Outputs)
                {
                    var v = Graph.FindValue(_names[o]);
                    if (v?.Producer is null)
                        throw new InvalidOperationException($"the importer row for {code.Name} did not produce output '{_names[o]}'");
                    _values[o] = v;
                    if (v.DataType == DataType.Undefined && IsSupported(Model.Tensors[o].Type)) v.DataType = DataTypeOf(Model.Tensors[o]);
                    v.Quant ??= Quant(o);
                }
            }

            var seenOutputs = new HashSet<int>();
            foreach (int t in Model.Outputs)
            {
                if (!seenOutputs.Add(t)) continue;
                if (_values[t] is null && !HasData(Model.Tensors[t]))
                    throw new ModelFormatException($"subgraph output {Model.Tensors[t]} is not written by any operator", Source, "model.subgraphs[0].outputs");
                var v = Value(t);
                v.DeclaredShape ??= DeclaredShape(Model.Tensors[t], output: true);
                Graph.AddOutput(v);
            }
            if (Graph.Outputs.Count == 0) throw new ModelFormatException("the subgraph has no outputs", Source, "model.subgraphs[0].outputs");
            Graph.ModelInfo = TfLiteMetadataReader.Read(Model);
            // Weights in TFLite's layout that were permuted into new constants are no longer referenced.
            Graph.RemoveUnusedValues();
            Graph.Validate(Source);
            return Graph;
        }

        private bool HasData(TfLiteTensor t) => t.Buffer != 0 && Model.BufferData(t.Buffer, t.Path + ".buffer").Length > 0;

        /// <summary>
        /// The graph value of tensor <paramref name="t"/>: a graph input, a constant (created on first use from its
        /// buffer, whose size must match), or the output of an earlier operator. Reading a tensor no operator has
        /// written yet is an error (TFLite lists operators in execution order).
        /// </summary>
        public Value Value(int t)
        {
            if (_values[t] is { } v) return v;
            var tensor = Model.Tensors[t];
            var data = tensor.Buffer == 0 ? ReadOnlyMemory<byte>.Empty : Model.BufferData(tensor.Buffer, tensor.Path + ".buffer");
            if (data.Length == 0 && tensor.ElementCount != 0)
                throw new ModelFormatException($"{tensor} is read before any operator writes it, and it is neither a subgraph input nor a constant", Source, tensor.Path);
            if (tensor.IsSparse) throw new ModelFormatException($"{tensor} is a sparse constant; sparse tensors are not supported", Source, tensor.Path);
            var type = DataTypeOf(tensor);
            long need = tensor.ElementCount * DataTypes.SizeOf(type);
            if (data.Length != need)
                throw new ModelFormatException($"buffer {tensor.Buffer} holds {data.Length} bytes, but {tensor} of type {tensor.Type} and shape [{string.Join(",", tensor.Shape)}] needs {need}", Source, tensor.Path + ".buffer");
            var quant = Quant(t);
            var constant = new Tensor(type, new Shape(tensor.Shape), data.ToArray(), quant);
            v = Graph.AddConstant(_names[t], constant);
            v.Quant = quant;
            _values[t] = v;
            return v;
        }

        /// <summary>True for the element types Depthwise computes with.</summary>
        public static bool IsSupported(TfLiteTensorType t) => t is TfLiteTensorType.FLOAT32 or TfLiteTensorType.FLOAT16 or TfLiteTensorType.INT32
            or TfLiteTensorType.UINT8 or TfLiteTensorType.INT64 or TfLiteTensorType.BOOL or TfLiteTensorType.INT8;

        /// <summary>The graph element type of a tensor; an error naming the tensor for the types Depthwise lacks.</summary>
        public DataType DataTypeOf(TfLiteTensor t) => t.Type switch
        {
            TfLiteTensorType.FLOAT32 => DataType.Float32,
            TfLiteTensorType.FLOAT16 => DataType.Float16,
            TfLiteTensorType.INT32 => DataType.Int32,
            TfLiteTensorType.UINT8 => DataType.UInt8,
            TfLiteTensorType.INT64 => DataType.Int64,
            TfLiteTensorType.BOOL => DataType.Bool,
            TfLiteTensorType.INT8 => DataType.Int8,
            _ when Enum.IsDefined(t.Type) => throw new ModelFormatException($"{t} has element type {t.Type}, which is not supported (float32, float16, int32, int64, uint8, int8 and bool are)", Source, t.Path),
            _ => throw new ModelFormatException($"{t} has element type {(int)t.Type}, which is not a TFLite tensor type", Source, t.Path),
        };

        /// <summary>
        /// The quantization of a uint8/int8 tensor as <see cref="QuantParams"/> (null for other types and for tensors
        /// without a scale), after checking it is consistent: as many zero points as scales, finite non-negative
        /// scales, zero points in the type's range, and a per-axis count equal to the quantized dimension.
        /// </summary>
        public QuantParams? Quant(int t)
        {
            if (_quantRead[t]) return _quant[t];
            var tensor = Model.Tensors[t];
            _quantRead[t] = true;
            if (tensor.Type is not (TfLiteTensorType.UINT8 or TfLiteTensorType.INT8) || tensor.Quantization is not { } q) return null;
            string where = tensor.Path + ".quantization";
            if (q.DetailsType != 0)
                throw new ModelFormatException($"{tensor} uses custom quantization (details type {q.DetailsType}), which is not supported", Source, where);
            int scales = q.Scale?.Length ?? 0, zeros = q.ZeroPoint?.Length ?? 0;
            if (scales == 0)
            {
                if (zeros != 0) throw new ModelFormatException($"{tensor} has {zeros} zero points but no scale", Source, where);
                return null;
            }
            if (zeros != scales) throw new ModelFormatException($"{tensor} has {scales} scales but {zeros} zero points; they must match", Source, where);
            int axis = 0;
            if (scales > 1)
            {
                axis = q.QuantizedDimension;
                if (axis < 0 || axis >= tensor.Shape.Length)
                    throw new ModelFormatException($"{tensor} is quantized per axis along dimension {axis}, but its shape [{string.Join(",", tensor.Shape)}] has rank {tensor.Shape.Length}", Source, where);
                if (tensor.Shape[axis] != scales)
                    throw new ModelFormatException($"{tensor} has {scales} scales for dimension {axis} of size {tensor.Shape[axis]}; they must match", Source, where);
            }
            long lo = tensor.Type == TfLiteTensorType.UINT8 ? 0 : -128, hi = tensor.Type == TfLiteTensorType.UINT8 ? 255 : 127;
            for (int i = 0; i < scales; i++)
            {
                float s = q.Scale![i];
                if (!float.IsFinite(s) || s < 0)
                    throw new ModelFormatException($"{tensor} has scale {s.ToString(CultureInfo.InvariantCulture)}; scales must be finite and non-negative", Source, where);
                long z = q.ZeroPoint![i];
                if (z < lo || z > hi)
                    throw new ModelFormatException($"{tensor} has zero point {z}, outside the {tensor.Type} range {lo}..{hi}", Source, where);
            }
            return _quant[t] = new QuantParams(q.Scale!, q.ZeroPoint!, axis);
        }

        /// <summary>
        /// The declared shape of a graph input or output: shape_signature's −1 dims are unknown, and an output's empty
        /// shape without has_rank (how converters mark outputs sized at run time, e.g. detection results) is no shape at all.
        /// </summary>
        private static Dim[]? DeclaredShape(TfLiteTensor t, bool output = false)
        {
            if (output && t.Shape.Length == 0 && !t.HasRank && t.ShapeSignature is null) return null;
            var dims = new Dim[t.Shape.Length];
            for (int i = 0; i < dims.Length; i++)
                dims[i] = t.ShapeSignature is { } sig && sig[i] < 0 ? Dim.Unknown() : Dim.Known(t.Shape[i]);
            return dims;
        }
    }
}
