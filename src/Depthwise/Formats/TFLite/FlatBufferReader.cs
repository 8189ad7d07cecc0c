using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Depthwise.Formats.TFLite;

/// <summary>
/// A bounds-checked reader of one FlatBuffer (the binary format of .tflite files and of their metadata), without any
/// FlatBuffers library. Every offset, vtable and vector length is checked against the buffer before it is followed, and
/// every problem is a <see cref="ModelFormatException"/> naming the file, the byte offset and the field path.
/// <para>
/// The reader follows a schema, so a cycle of offsets cannot make it loop; but a hostile file can point many table
/// fields at the same large vector, so that reading "every tensor" decodes the same bytes millions of times. A work
/// budget (a few times the buffer size) bounds the bytes decoded in total: a file over it is rejected rather than
/// left to run for minutes or allocate gigabytes.
/// </para>
/// </summary>
internal sealed class FlatBufferReader
{
    /// <summary>Smallest FlatBuffer: the root offset and the 4-byte file identifier.</summary>
    public const int HeaderBytes = 8;

    private readonly ReadOnlyMemory<byte> _memory;
    private readonly FlatBufferReader? _parent;
    private long _budget;

    private FlatBufferReader(ReadOnlyMemory<byte> memory, string? source, FlatBufferReader? parent, long budget, string what)
    {
        What = what;
        _memory = memory;
        Source = source;
        _parent = parent;
        _budget = budget;
    }

    /// <summary>
    /// A reader over <paramref name="memory"/>. When <paramref name="identifier"/> is given, bytes 4..8 must equal it
    /// (the FlatBuffers file identifier, e.g. "TFL3").
    /// </summary>
    public static FlatBufferReader Open(ReadOnlyMemory<byte> memory, string? source, string? identifier, string what)
    {
        var r = new FlatBufferReader(memory, source, null, DefaultBudget(memory.Length), what);
        r.CheckHeader(identifier, what);
        return r;
    }

    /// <summary>
    /// A reader over a FlatBuffer nested in this one (e.g. TFLite metadata inside a buffer): positions in errors are
    /// relative to the nested buffer, and its work counts against this reader's budget too.
    /// </summary>
    public FlatBufferReader OpenNested(ReadOnlyMemory<byte> memory, string? identifier, string what)
    {
        var r = new FlatBufferReader(memory, Source, this, DefaultBudget(memory.Length), what);
        r.CheckHeader(identifier, what);
        return r;
    }

    private static long DefaultBudget(long length) => 4 * length + (1 << 20);

    /// <summary>What the buffer holds (e.g. "TensorFlow Lite model"), for errors.</summary>
    public string What { get; }

    /// <summary>The file being read (for errors).</summary>
    public string? Source { get; }

    /// <summary>Length of the buffer in bytes.</summary>
    public int Length => _memory.Length;

    /// <summary>The buffer.</summary>
    public ReadOnlyMemory<byte> Memory => _memory;

    private ReadOnlySpan<byte> Span => _memory.Span;

    private void CheckHeader(string? identifier, string what)
    {
        if (Length < HeaderBytes)
            throw Error($"the buffer is {Length} bytes; it needs at least {HeaderBytes} (is it truncated?)", 0, "header");
        if (identifier is null) return;
        var id = Span.Slice(4, 4);
        if (!id.SequenceEqual(Encoding.ASCII.GetBytes(identifier)))
            throw Error($"the file identifier at bytes 4..8 is '{Printable(id)}', expected '{identifier}'", 4, "file_identifier");
    }

    /// <summary>The file identifier bytes as text, with non-printable bytes escaped.</summary>
    internal static string Printable(ReadOnlySpan<byte> id)
    {
        var sb = new StringBuilder();
        foreach (byte b in id) sb.Append(b is >= 0x20 and < 0x7F ? (char)b : $"\\x{b:X2}");
        return sb.ToString();
    }

    /// <summary>The root table (the uoffset at byte 0).</summary>
    public FlatTable Root(string path) => Table(Deref(0, path), path);

    /// <summary>A <see cref="ModelFormatException"/> at a byte offset and field path.</summary>
    public ModelFormatException Error(string message, long offset, string path) =>
        new($"invalid {What}: {message}", Source, $"byte {offset.ToString(CultureInfo.InvariantCulture)} ({path})");

    /// <summary>Counts <paramref name="bytes"/> of decoding work against the budget (and the parent's).</summary>
    public void Charge(long bytes, long offset, string path)
    {
        _budget -= Math.Max(bytes, 0) + 8;
        if (_budget < 0)
            throw Error("the file's structures refer to the same bytes far more often than a valid model's would (decoding budget exceeded)", offset, path);
        _parent?.Charge(bytes, offset, path);
    }

    /// <summary>Throws unless [<paramref name="pos"/>, <paramref name="pos"/> + <paramref name="size"/>) lies inside the buffer.</summary>
    public void Check(long pos, long size, string path, string what)
    {
        if (pos < 0 || size < 0 || pos > Length || size > Length - pos)
            throw Error($"{what} at byte {pos} ({size} bytes) lies outside the {Length}-byte buffer", Math.Clamp(pos, 0, Length), path);
    }

    /// <summary>Reads a little-endian scalar after a bounds check.</summary>
    public byte U8(long pos, string path) { Check(pos, 1, path, "a byte"); return Span[(int)pos]; }

    /// <inheritdoc cref="U8"/>
    public ushort U16(long pos, string path) { Check(pos, 2, path, "a uint16"); return BinaryPrimitives.ReadUInt16LittleEndian(Span[(int)pos..]); }

    /// <inheritdoc cref="U8"/>
    public int I32(long pos, string path) { Check(pos, 4, path, "an int32"); return BinaryPrimitives.ReadInt32LittleEndian(Span[(int)pos..]); }

    /// <inheritdoc cref="U8"/>
    public uint U32(long pos, string path) { Check(pos, 4, path, "a uint32"); return BinaryPrimitives.ReadUInt32LittleEndian(Span[(int)pos..]); }

    /// <inheritdoc cref="U8"/>
    public long I64(long pos, string path) { Check(pos, 8, path, "an int64"); return BinaryPrimitives.ReadInt64LittleEndian(Span[(int)pos..]); }

    /// <inheritdoc cref="U8"/>
    public ulong U64(long pos, string path) { Check(pos, 8, path, "a uint64"); return BinaryPrimitives.ReadUInt64LittleEndian(Span[(int)pos..]); }

    /// <inheritdoc cref="U8"/>
    public float F32(long pos, string path) { Check(pos, 4, path, "a float"); return BinaryPrimitives.ReadSingleLittleEndian(Span[(int)pos..]); }

    /// <summary>Follows the uoffset stored at <paramref name="pos"/>: the position it points to, checked to lie in the buffer.</summary>
    public int Deref(long pos, string path)
    {
        uint off = U32(pos, path);
        long target = pos + off;
        if (off == 0 || target >= Length)
            throw Error($"the offset {off} at byte {pos} points {(off == 0 ? "at itself" : $"to byte {target}, outside the {Length}-byte buffer")}", pos, path);
        return (int)target;
    }

    /// <summary>The table at <paramref name="pos"/>: its vtable (at pos − soffset) and object size are checked.</summary>
    public FlatTable Table(int pos, string path)
    {
        Charge(16, pos, path);
        int soffset = I32(pos, path);
        long vtable = (long)pos - soffset;
        if (vtable < 0 || vtable > Length - 4)
            throw Error($"the table's vtable would be at byte {vtable}, outside the {Length}-byte buffer", pos, path);
        ushort vsize = U16(vtable, path);
        ushort osize = U16(vtable + 2, path);
        if (vsize < 4 || (vsize & 1) != 0)
            throw Error($"the vtable at byte {vtable} has size {vsize}; it must be even and at least 4", vtable, path);
        Check(vtable, vsize, path, "the vtable");
        if (osize < 4) throw Error($"the table at byte {pos} has size {osize}; it must be at least 4 (its vtable offset)", vtable, path);
        Check(pos, osize, path, "the table");
        return new FlatTable(this, pos, (int)vtable, vsize, osize, path);
    }

    /// <summary>The vector at <paramref name="pos"/> (a uint32 count, then the elements): the elements are checked to fit.</summary>
    public (int Start, int Count) Vector(int pos, int elementSize, string path)
    {
        uint count = U32(pos, path);
        long start = (long)pos + 4;
        long bytes = (long)count * elementSize;
        if (bytes > Length - start)
            throw Error($"the vector at byte {pos} claims {count} elements of {elementSize} bytes, more than the {Length - start} bytes left in the buffer", pos, path);
        Charge(bytes, pos, path);
        return ((int)start, (int)count);
    }

    /// <summary>The string at <paramref name="pos"/> (a byte vector, UTF-8; invalid sequences become U+FFFD).</summary>
    public string String(int pos, string path)
    {
        var (start, count) = Vector(pos, 1, path);
        return Encoding.UTF8.GetString(Span.Slice(start, count));
    }
}

/// <summary>
/// One table of a FlatBuffer: fields are found through its vtable; absent fields give the schema default. Field
/// numbers are the schema's declaration order (a union takes two: its type, then its value).
/// </summary>
internal readonly struct FlatTable
{
    private readonly FlatBufferReader _r;
    private readonly int _vtable;
    private readonly int _vsize;
    private readonly int _osize;

    internal FlatTable(FlatBufferReader reader, int pos, int vtable, int vsize, int osize, string path)
    {
        _r = reader;
        Position = pos;
        _vtable = vtable;
        _vsize = vsize;
        _osize = osize;
        Path = path;
    }

    /// <summary>Byte position of the table.</summary>
    public int Position { get; }

    /// <summary>Field path of the table, for errors (e.g. <c>model.subgraphs[0].tensors[3]</c>).</summary>
    public string Path { get; }

    /// <summary>The reader.</summary>
    public FlatBufferReader Reader => _r;

    private string FieldPath(string name) => Path + "." + name;

    /// <summary>Byte position of field <paramref name="field"/> of <paramref name="size"/> bytes, or −1 when absent.</summary>
    private int Field(int field, int size, string name)
    {
        int slot = 4 + 2 * field;
        if (slot + 2 > _vsize) return -1;
        ushort rel = _r.U16(_vtable + slot, FieldPath(name));
        if (rel == 0) return -1;
        if (rel < 4 || rel + size > _osize)
            throw _r.Error($"field '{name}' at table offset {rel} ({size} bytes) lies outside the {_osize}-byte table", Position, FieldPath(name));
        return Position + rel;
    }

    /// <summary>True when the field is present.</summary>
    public bool Has(int field, string name) => Field(field, 1, name) >= 0;

    /// <summary>A byte-sized field (enum, bool, int8, uint8).</summary>
    public byte U8(int field, string name, byte defaultValue = 0) => Field(field, 1, name) is int p and >= 0 ? _r.U8(p, FieldPath(name)) : defaultValue;

    /// <summary>An int8 field.</summary>
    public sbyte I8(int field, string name, sbyte defaultValue = 0) => unchecked((sbyte)U8(field, name, unchecked((byte)defaultValue)));

    /// <summary>A bool field.</summary>
    public bool Bool(int field, string name, bool defaultValue = false) => Field(field, 1, name) is int p and >= 0 ? _r.U8(p, FieldPath(name)) != 0 : defaultValue;

    /// <summary>An int32 field.</summary>
    public int I32(int field, string name, int defaultValue = 0) => Field(field, 4, name) is int p and >= 0 ? _r.I32(p, FieldPath(name)) : defaultValue;

    /// <summary>A uint32 field.</summary>
    public uint U32(int field, string name, uint defaultValue = 0) => Field(field, 4, name) is int p and >= 0 ? _r.U32(p, FieldPath(name)) : defaultValue;

    /// <summary>An int64 field.</summary>
    public long I64(int field, string name, long defaultValue = 0) => Field(field, 8, name) is int p and >= 0 ? _r.I64(p, FieldPath(name)) : defaultValue;

    /// <summary>A uint64 field.</summary>
    public ulong U64(int field, string name, ulong defaultValue = 0) => Field(field, 8, name) is int p and >= 0 ? _r.U64(p, FieldPath(name)) : defaultValue;

    /// <summary>A float field.</summary>
    public float F32(int field, string name, float defaultValue = 0) => Field(field, 4, name) is int p and >= 0 ? _r.F32(p, FieldPath(name)) : defaultValue;

    /// <summary>The position an offset field points to, or −1 when absent.</summary>
    private int Target(int field, string name) => Field(field, 4, name) is int p and >= 0 ? _r.Deref(p, FieldPath(name)) : -1;

    /// <summary>A sub-table field, or null when absent.</summary>
    public FlatTable? Table(int field, string name) => Target(field, name) is int t and >= 0 ? _r.Table(t, FieldPath(name)) : null;

    /// <summary>A string field, or null when absent.</summary>
    public string? String(int field, string name) => Target(field, name) is int t and >= 0 ? _r.String(t, FieldPath(name)) : null;

    /// <summary>A union: its type (field <paramref name="typeField"/>) and its table (the next field), or (0, null).</summary>
    public (byte Type, FlatTable? Value) Union(int typeField, string name)
    {
        byte type = U8(typeField, name + "_type");
        if (type == 0) return (0, null);
        return (type, Table(typeField + 1, name));
    }

    /// <summary>A vector of bytes as a slice of the buffer (not copied), or null when absent.</summary>
    public ReadOnlyMemory<byte>? Bytes(int field, string name)
    {
        if (Target(field, name) is not (int t and >= 0)) return null;
        var (start, count) = _r.Vector(t, 1, FieldPath(name));
        return _r.Memory.Slice(start, count);
    }

    /// <summary>A vector of int32, or null when absent. <paramref name="maxCount"/> bounds it before anything is allocated.</summary>
    public int[]? Ints(int field, string name, int maxCount = int.MaxValue)
    {
        if (!TryVector(field, name, 4, maxCount, out int start, out int count)) return null;
        var a = new int[count];
        for (int i = 0; i < count; i++) a[i] = _r.I32(start + 4L * i, FieldPath(name));
        return a;
    }

    /// <summary>A vector of int64, or null when absent.</summary>
    public long[]? Longs(int field, string name, int maxCount = int.MaxValue)
    {
        if (!TryVector(field, name, 8, maxCount, out int start, out int count)) return null;
        var a = new long[count];
        for (int i = 0; i < count; i++) a[i] = _r.I64(start + 8L * i, FieldPath(name));
        return a;
    }

    /// <summary>A vector of float32, or null when absent.</summary>
    public float[]? Floats(int field, string name, int maxCount = int.MaxValue)
    {
        if (!TryVector(field, name, 4, maxCount, out int start, out int count)) return null;
        var a = new float[count];
        for (int i = 0; i < count; i++) a[i] = _r.F32(start + 4L * i, FieldPath(name));
        return a;
    }

    /// <summary>A vector of tables, or an empty list when absent. Entries are read when asked for.</summary>
    public FlatTableVector Tables(int field, string name, int maxCount = int.MaxValue)
    {
        if (!TryVector(field, name, 4, maxCount, out int start, out int count)) return new FlatTableVector(_r, 0, 0, FieldPath(name));
        return new FlatTableVector(_r, start, count, FieldPath(name));
    }

    /// <summary>A vector of strings, or null when absent.</summary>
    public string[]? Strings(int field, string name, int maxCount = int.MaxValue)
    {
        if (!TryVector(field, name, 4, maxCount, out int start, out int count)) return null;
        var a = new string[count];
        for (int i = 0; i < count; i++)
        {
            string p = $"{FieldPath(name)}[{i}]";
            a[i] = _r.String(_r.Deref(start + 4L * i, p), p);
        }
        return a;
    }

    private bool TryVector(int field, string name, int elementSize, int maxCount, out int start, out int count)
    {
        start = count = 0;
        if (Target(field, name) is not (int t and >= 0)) return false;
        (start, count) = _r.Vector(t, elementSize, FieldPath(name));
        if (count > maxCount)
            throw _r.Error($"'{name}' has {count} entries; at most {maxCount} are allowed", t, FieldPath(name));
        return true;
    }
}

/// <summary>A vector of tables, read entry by entry.</summary>
internal readonly struct FlatTableVector
{
    private readonly FlatBufferReader? _r;
    private readonly int _start;
    private readonly string _path;

    internal FlatTableVector(FlatBufferReader r, int start, int count, string path)
    {
        _r = r;
        _start = start;
        Count = count;
        _path = path;
    }

    /// <summary>Number of entries.</summary>
    public int Count { get; }

    /// <summary>Entry <paramref name="i"/> (0 ≤ i &lt; <see cref="Count"/>).</summary>
    public FlatTable this[int i]
    {
        get
        {
            if ((uint)i >= (uint)Count || _r is null) throw new ArgumentOutOfRangeException(nameof(i));
            string p = $"{_path}[{i.ToString(CultureInfo.InvariantCulture)}]";
            return _r.Table(_r.Deref(_start + 4L * i, p), p);
        }
    }
}
