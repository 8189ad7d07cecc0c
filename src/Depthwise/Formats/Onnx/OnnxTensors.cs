using System.Globalization;
using System.Runtime.InteropServices;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Formats.Onnx;

/// <summary>Converts between ONNX <c>TensorProto</c> and <see cref="Tensor"/>, checking every size before allocating.</summary>
internal static class OnnxTensors
{
    /// <summary>Largest external-data file region read for one tensor.</summary>
    private const long MaxTensorBytes = int.MaxValue;

    public static DataType ToDataType(int onnxType, string? file, string location) => onnxType switch
    {
        (int)TensorProto.Types.DataType.Float => DataType.Float32,
        (int)TensorProto.Types.DataType.Uint8 => DataType.UInt8,
        (int)TensorProto.Types.DataType.Int8 => DataType.Int8,
        (int)TensorProto.Types.DataType.Int32 => DataType.Int32,
        (int)TensorProto.Types.DataType.Int64 => DataType.Int64,
        (int)TensorProto.Types.DataType.Bool => DataType.Bool,
        (int)TensorProto.Types.DataType.Float16 => DataType.Float16,
        _ => throw new ModelFormatException($"element type {TypeName(onnxType)} is not supported ({SupportedList})", file, location),
    };

    /// <summary>The supported element types, for messages.</summary>
    public const string SupportedList = "supported: float32, float16, int8, uint8, int32, int64, bool";

    /// <summary>The ONNX name of an element type number (e.g. DOUBLE), or the number when it names none.</summary>
    public static string TypeName(int onnxType) =>
        Enum.IsDefined(typeof(TensorProto.Types.DataType), onnxType)
            ? ((TensorProto.Types.DataType)onnxType).ToString().ToUpperInvariant()
            : onnxType.ToString(CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="onnxType"/> maps to a Depthwise <see cref="DataType"/>.</summary>
    public static bool IsSupported(int onnxType) => onnxType is (int)DataType.Float32 or (int)DataType.UInt8 or (int)DataType.Int8
        or (int)DataType.Int32 or (int)DataType.Int64 or (int)DataType.Bool or (int)DataType.Float16;

    public static int ToOnnxType(DataType type) => (int)type;

    /// <summary>Reads a tensor. <paramref name="baseDirectory"/> resolves external data (null: external data is refused).</summary>
    public static Tensor FromProto(TensorProto p, string? file, string location, string? baseDirectory)
    {
        var type = ToDataType(p.DataType, file, location);
        Shape shape;
        try { shape = Shape.FromLongs(p.Dims.ToArray()); }
        catch (ArgumentException e) { throw new ModelFormatException($"bad dims [{string.Join(",", p.Dims)}]: {e.Message}", file, location); }
        if (p.Segment is not null) throw new ModelFormatException("segmented tensors are not supported", file, location);
        int elem = DataTypes.SizeOf(type);
        long bytes = (long)shape.ElementCount * elem;

        if (p.HasDataLocation && p.DataLocation == TensorProto.Types.DataLocation.External)
            return new Tensor(type, shape, ReadExternal(p, bytes, file, location, baseDirectory));

        if (p.HasRawData)
        {
            if (p.RawData.Length != bytes)
                throw new ModelFormatException($"raw_data holds {p.RawData.Length} bytes; {DataTypes.Name(type)}{shape} needs {bytes}", file, location);
            // The parser gave this field its own array (it copies bytes fields out of the input), and the proto is dropped
            // after import: the tensor takes the array over instead of copying it again (14 MB for MobileNetV2).
            return new Tensor(type, shape, System.Runtime.InteropServices.MemoryMarshal.AsMemory(p.RawData.Memory));
        }
        int n = shape.ElementCount;
        // Check the counts before allocating: the dims may claim far more elements than the file holds.
        CheckCount(type switch
        {
            DataType.Float32 => p.FloatData.Count,
            DataType.Int64 => p.Int64Data.Count,
            _ => p.Int32Data.Count,
        }, n, type switch { DataType.Float32 => "float_data", DataType.Int64 => "int64_data", _ => "int32_data" }, file, location);
        var t = Tensor.Zeros(type, shape);
        switch (type)
        {
            case DataType.Float32:
                {
                    var d = t.AsSpan<float>();
                    for (int i = 0; i < n; i++) d[i] = p.FloatData[i];
                }
                break;
            case DataType.Int64:
                {
                    var d = t.AsSpan<long>();
                    for (int i = 0; i < n; i++) d[i] = p.Int64Data[i];
                }
                break;
            case DataType.Int32:
                {
                    var d = t.AsSpan<int>();
                    for (int i = 0; i < n; i++) d[i] = p.Int32Data[i];
                }
                break;
            case DataType.Bool:
                for (int i = 0; i < n; i++) t.Bytes.Span[i] = p.Int32Data[i] != 0 ? (byte)1 : (byte)0;
                break;
            case DataType.UInt8 or DataType.Int8:
                for (int i = 0; i < n; i++) t.Bytes.Span[i] = (byte)p.Int32Data[i];
                break;
            case DataType.Float16:
                var h = MemoryMarshal.Cast<byte, ushort>(t.Bytes.Span);
                for (int i = 0; i < n; i++) h[i] = (ushort)p.Int32Data[i];
                break;
        }
        return t;
    }

    /// <summary>Writes a tensor as raw_data.</summary>
    public static TensorProto ToProto(Tensor t, string name)
    {
        var p = new TensorProto { Name = name, DataType = ToOnnxType(t.DataType), RawData = ByteString.CopyFrom(t.Bytes.Span) };
        foreach (var d in t.Shape.Dims) p.Dims.Add(d);
        return p;
    }

    private static void CheckCount(int have, int need, string field, string? file, string location)
    {
        if (have != need) throw new ModelFormatException($"{field} holds {have} values; the dims need {need}", file, location);
    }

    private static byte[] ReadExternal(TensorProto p, long bytes, string? file, string location, string? baseDirectory)
    {
        string? path = null;
        long offset = 0, length = -1;
        foreach (var kv in p.ExternalData)
        {
            switch (kv.Key)
            {
                case "location": path = kv.Value; break;
                case "offset":
                    if (!long.TryParse(kv.Value, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                        throw new ModelFormatException($"bad external data offset '{kv.Value}'", file, location);
                    break;
                case "length":
                    if (!long.TryParse(kv.Value, NumberStyles.None, CultureInfo.InvariantCulture, out length))
                        throw new ModelFormatException($"bad external data length '{kv.Value}'", file, location);
                    break;
            }
        }
        if (string.IsNullOrEmpty(path)) throw new ModelFormatException("external data without a location", file, location);
        if (baseDirectory is null) throw new ModelFormatException($"external data '{path}' cannot be resolved for a model loaded from memory; load it from its file", file, location);
        if (length >= 0 && length != bytes)
            throw new ModelFormatException($"external data length {length} does not match the {bytes} bytes the dims need", file, location);
        if (bytes > MaxTensorBytes) throw new ModelFormatException($"tensor of {bytes} bytes is too large", file, location);
        string full = ResolveInside(baseDirectory, path, file, location);
        FileInfo fi = new(full);
        if (!fi.Exists) throw new ModelFormatException($"external data file '{path}' does not exist (looked for {full})", file, location);
        if (offset > fi.Length || bytes > fi.Length - offset)
            throw new ModelFormatException($"external data '{path}' has {fi.Length} bytes; the tensor needs {bytes} at offset {offset}", file, location);
        var data = new byte[bytes];
        if (bytes == 0) return data;
        try
        {
            using var fs = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            fs.Seek(offset, SeekOrigin.Begin);
            fs.ReadExactly(data);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot read external data '{path}': {e.Message}", file, location, e);
        }
        return data;
    }

    /// <summary>The full path of an external data file, which must lie inside the model's folder (no absolute paths, no "..").</summary>
    private static string ResolveInside(string baseDirectory, string path, string? file, string location)
    {
        var bad = new ModelFormatException($"external data location '{path}' must be a relative path inside the model's folder", file, location);
        if (path.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(path) || path.Split('/', '\\').Contains("..")) throw bad;
        string root, full;
        try
        {
            root = Path.GetFullPath(baseDirectory);
            full = Path.GetFullPath(Path.Combine(root, path));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw bad;
        }
        if (!root.EndsWith(Path.DirectorySeparatorChar)) root += Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal)) throw bad;
        return full;
    }
}
