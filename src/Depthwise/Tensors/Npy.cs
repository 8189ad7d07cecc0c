using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Depthwise.Tensors;

/// <summary>
/// Reads and writes numpy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0; C order; little-endian).
/// float64 files are read as float32, since Depthwise computes in float32.
/// </summary>
public static partial class Npy
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file.</summary>
    /// <exception cref="ModelFormatException">The file is not a valid .npy file or uses an unsupported dtype.</exception>
    public static Tensor Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"no such file: {path}", path);
        if (info.Length > int.MaxValue) throw new ModelFormatException($"file is too large ({info.Length} bytes)", path);
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads .npy bytes; <paramref name="source"/> names them in error messages.</summary>
    public static Tensor Read(ReadOnlySpan<byte> data, string source = "<npy>")
    {
        if (data.Length < 10 || !data[..6].SequenceEqual(Magic))
            throw new ModelFormatException("not a .npy file (missing \\x93NUMPY magic)", source, "offset 0");
        int major = data[6];
        int headerLen, headerStart;
        if (major == 1) { headerLen = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]); headerStart = 10; }
        else if (major is 2 or 3)
        {
            if (data.Length < 12) throw new ModelFormatException("truncated header", source, "offset 8");
            uint hl = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
            if (hl > 1 << 20) throw new ModelFormatException($"header length {hl} is absurd", source, "offset 8");
            headerLen = (int)hl; headerStart = 12;
        }
        else throw new ModelFormatException($"unsupported .npy version {major}", source, "offset 6");
        if (headerStart + headerLen > data.Length) throw new ModelFormatException("truncated header", source, $"offset {headerStart}");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(data.Slice(headerStart, headerLen));

        var descr = DescrRegex().Match(header);
        var order = FortranRegex().Match(header);
        var shapeM = ShapeRegex().Match(header);
        if (!descr.Success || !order.Success || !shapeM.Success)
            throw new ModelFormatException($"cannot parse header {header.Trim()}", source, $"offset {headerStart}");
        if (order.Groups[1].Value == "True")
            throw new ModelFormatException("Fortran-order arrays are not supported; save with C order", source);
        var dims = new List<long>();
        foreach (var part in shapeM.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part.TrimEnd('L'), NumberStyles.Integer, CultureInfo.InvariantCulture, out long d) || d < 0)
                throw new ModelFormatException($"bad dimension '{part}' in shape", source);
            dims.Add(d);
        }
        Shape shape;
        try { shape = Shape.FromLongs(dims.ToArray()); }
        catch (ArgumentException e) { throw new ModelFormatException(e.Message, source, "shape"); }

        string d0 = descr.Groups[1].Value;
        bool bigEndian = d0.StartsWith('>');
        if (bigEndian && d0[1..] is not ("u1" or "i1" or "b1"))
            throw new ModelFormatException($"big-endian dtype '{d0}' is not supported", source);
        string code = d0.TrimStart('<', '|', '=', '>');
        var body = data[(headerStart + headerLen)..];
        if (code == "f8")
        {
            long n = shape.ElementCount;
            if (body.Length < n * 8) throw new ModelFormatException($"data is truncated: {n} float64 elements need {n * 8} bytes, have {body.Length}", source);
            var t = Tensor.Zeros(DataType.Float32, shape);
            var dst = t.AsSpan<float>();
            for (int i = 0; i < dst.Length; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(body[(i * 8)..]);
            return t;
        }
        DataType dt = code switch
        {
            "f4" => DataType.Float32,
            "f2" => DataType.Float16,
            "u1" => DataType.UInt8,
            "i1" => DataType.Int8,
            "i4" => DataType.Int32,
            "i8" => DataType.Int64,
            "b1" => DataType.Bool,
            _ => throw new ModelFormatException($"unsupported dtype '{d0}' (supported: f4 f2 f8 u1 i1 i4 i8 b1)", source),
        };
        long bytes = (long)shape.ElementCount * DataTypes.SizeOf(dt);
        if (body.Length < bytes) throw new ModelFormatException($"data is truncated: shape {shape} needs {bytes} bytes, have {body.Length}", source);
        return new Tensor(dt, shape, body[..(int)bytes].ToArray());
    }

    /// <summary>Writes a tensor as a version 1.0 .npy file.</summary>
    public static void Write(string path, Tensor tensor)
    {
        using var f = File.Create(path);
        Write(f, tensor);
    }

    /// <summary>Writes a tensor as a version 1.0 .npy stream.</summary>
    public static void Write(Stream stream, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        string descr = tensor.DataType switch
        {
            DataType.Float32 => "<f4",
            DataType.Float16 => "<f2",
            DataType.UInt8 => "|u1",
            DataType.Int8 => "|i1",
            DataType.Int32 => "<i4",
            DataType.Int64 => "<i8",
            DataType.Bool => "|b1",
            _ => throw new ArgumentException($"cannot write {tensor.DataType}"),
        };
        var dims = tensor.Shape.Dims;
        string shape = dims.Length == 1 ? $"({dims[0]},)" : "(" + string.Join(", ", dims.ToArray()) + ")";
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + header.Length + 1;
        int pad = (64 - total % 64) % 64;
        header = header + new string(' ', pad) + "\n";
        Span<byte> pre = stackalloc byte[10];
        Magic.CopyTo(pre);
        pre[6] = 1; pre[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(pre[8..], (ushort)header.Length);
        stream.Write(pre);
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(tensor.Bytes.Span);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranRegex();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
