using System.Buffers.Binary;
using System.Text;

namespace Depthwise.Conformance.TfLiteSynthetic;

/// <summary>
/// Lays out a tree of <see cref="FbTable"/>s, vectors and strings as one FlatBuffer, front to back: the root offset
/// and the file identifier, then every object breadth-first, each after the object that refers to it (FlatBuffers
/// offsets are unsigned and point forward), each table preceded by its own vtable. Scalars sit at addresses aligned to
/// their size and vector data at 16 bytes (TFLite maps constant buffers in place), which is what the FlatBuffers
/// verifier in TFLite checks.
/// </summary>
internal static class FlatBufferWriter
{
    /// <summary>The bytes of the FlatBuffer rooted at <paramref name="root"/>, with a 4-character file identifier.</summary>
    public static byte[] Serialize(FbTable root, string identifier)
    {
        if (identifier.Length != 4) throw new ArgumentException("a file identifier has 4 characters", nameof(identifier));
        var o = new FbOutput();
        o.Pad(8);
        Encoding.ASCII.GetBytes(identifier).CopyTo(o.Span(4, 4));
        var pending = new Queue<(int At, FbObject Target)>();
        pending.Enqueue((0, root));
        while (pending.Count > 0)
        {
            var (at, target) = pending.Dequeue();
            int position = target.Write(o, pending);
            BinaryPrimitives.WriteUInt32LittleEndian(o.Span(at, 4), (uint)(position - at));
        }
        return o.ToArray();
    }
}

/// <summary>The growing output of <see cref="FlatBufferWriter"/>.</summary>
internal sealed class FbOutput
{
    private byte[] _bytes = new byte[1024];

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    /// <summary>Appends <paramref name="count"/> zero bytes; returns where they start.</summary>
    public int Pad(int count)
    {
        int at = Length;
        if (Length + count > _bytes.Length) Array.Resize(ref _bytes, Math.Max(2 * _bytes.Length, Length + count));
        Length += count;
        return at;
    }

    /// <summary>Pads with zeros until <c>(Length + <paramref name="offset"/>) % <paramref name="alignment"/> == 0</c>.</summary>
    public void Align(int alignment, int offset = 0)
    {
        int misaligned = (Length + offset) % alignment;
        if (misaligned != 0) Pad(alignment - misaligned);
    }

    /// <summary>Writable view of bytes already appended.</summary>
    public Span<byte> Span(int at, int count) => _bytes.AsSpan(at, count);

    /// <summary>Appends <paramref name="data"/>; returns where it starts.</summary>
    public int Append(ReadOnlySpan<byte> data)
    {
        int at = Pad(data.Length);
        data.CopyTo(_bytes.AsSpan(at));
        return at;
    }

    /// <summary>The finished buffer.</summary>
    public byte[] ToArray() => _bytes.AsSpan(0, Length).ToArray();
}

/// <summary>Something an offset can point at: a table, a vector or a string.</summary>
internal abstract class FbObject
{
    /// <summary>Writes the object at the end of <paramref name="o"/>; returns its position (what offsets point at).</summary>
    internal abstract int Write(FbOutput o, Queue<(int At, FbObject Target)> pending);
}

/// <summary>A table under construction: fields by number (schema declaration order), scalars or offsets to objects.</summary>
internal sealed class FbTable : FbObject
{
    private readonly SortedDictionary<int, object> _fields = [];

    /// <summary>A scalar field from its little-endian bytes (1, 2, 4 or 8 of them).</summary>
    public FbTable Scalar(int field, ReadOnlySpan<byte> littleEndian)
    {
        if (littleEndian.Length is not (1 or 2 or 4 or 8)) throw new ArgumentException("scalars have 1, 2, 4 or 8 bytes", nameof(littleEndian));
        _fields[field] = littleEndian.ToArray();
        return this;
    }

    /// <summary>A uint8 / enum field.</summary>
    public FbTable U8(int field, byte value) => Scalar(field, [value]);

    /// <summary>An int8 / enum field.</summary>
    public FbTable I8(int field, sbyte value) => U8(field, unchecked((byte)value));

    /// <summary>A bool field.</summary>
    public FbTable Bool(int field, bool value) => U8(field, value ? (byte)1 : (byte)0);

    /// <summary>An int32 field.</summary>
    public FbTable I32(int field, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        return Scalar(field, b);
    }

    /// <summary>A uint32 field.</summary>
    public FbTable U32(int field, uint value) => I32(field, unchecked((int)value));

    /// <summary>A float32 field.</summary>
    public FbTable F32(int field, float value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        return Scalar(field, b);
    }

    /// <summary>An offset field to a table, vector or string (nothing when null).</summary>
    public FbTable Object(int field, FbObject? value)
    {
        if (value is not null) _fields[field] = value;
        return this;
    }

    /// <summary>A string field.</summary>
    public FbTable String(int field, string? value) => Object(field, value is null ? null : new FbString(value));

    /// <summary>A [int] field.</summary>
    public FbTable Ints(int field, IReadOnlyList<int>? values) => Object(field, values is null ? null : FbScalarVector.Of(values));

    /// <summary>A [float] field.</summary>
    public FbTable Floats(int field, IReadOnlyList<float>? values) => Object(field, values is null ? null : FbScalarVector.Of(values));

    /// <summary>A [long] field.</summary>
    public FbTable Longs(int field, IReadOnlyList<long>? values) => Object(field, values is null ? null : FbScalarVector.Of(values));

    /// <summary>A [ubyte] field.</summary>
    public FbTable Bytes(int field, byte[]? values) => Object(field, values is null ? null : new FbScalarVector(values, 1));

    /// <summary>A vector-of-tables field.</summary>
    public FbTable Tables(int field, IReadOnlyList<FbTable>? values) => Object(field, values is null ? null : new FbObjectVector([.. values]));

    /// <summary>A union: the type (a ubyte) in <paramref name="typeField"/>, the table in the field after it.</summary>
    public FbTable Union(int typeField, byte type, FbTable? value)
    {
        if (type == 0 || value is null) return this;
        U8(typeField, type);
        return Object(typeField + 1, value);
    }

    internal override int Write(FbOutput o, Queue<(int At, FbObject Target)> pending)
    {
        // Inline layout: the soffset to the vtable, then the fields, widest first so each is aligned to its size.
        int fieldCount = _fields.Count == 0 ? 0 : _fields.Keys.Max() + 1;
        var offsets = new ushort[fieldCount];
        int size = 4, alignment = 4;
        foreach (var (field, value) in _fields.OrderByDescending(f => Width(f.Value)).ThenBy(f => f.Key))
        {
            int width = Width(value);
            alignment = Math.Max(alignment, width);
            size = (size + width - 1) / width * width;
            offsets[field] = checked((ushort)size);
            size += width;
        }
        size = (size + alignment - 1) / alignment * alignment;

        o.Align(2);
        int vtable = o.Pad(4 + 2 * fieldCount);
        var vt = o.Span(vtable, 4 + 2 * fieldCount);
        BinaryPrimitives.WriteUInt16LittleEndian(vt, checked((ushort)(4 + 2 * fieldCount)));
        BinaryPrimitives.WriteUInt16LittleEndian(vt[2..], checked((ushort)size));
        for (int i = 0; i < fieldCount; i++) BinaryPrimitives.WriteUInt16LittleEndian(vt[(4 + 2 * i)..], offsets[i]);

        o.Align(alignment);
        int table = o.Pad(size);
        BinaryPrimitives.WriteInt32LittleEndian(o.Span(table, 4), table - vtable);
        foreach (var (field, value) in _fields)
        {
            int at = table + offsets[field];
            if (value is byte[] scalar) scalar.CopyTo(o.Span(at, scalar.Length));
            else pending.Enqueue((at, (FbObject)value));
        }
        return table;
    }

    private static int Width(object value) => value is byte[] b ? b.Length : 4;
}

/// <summary>A vector of scalars: its element bytes, little-endian, and the element width.</summary>
internal sealed class FbScalarVector(byte[] data, int elementSize) : FbObject
{
    /// <summary>An int32 vector.</summary>
    public static FbScalarVector Of(IReadOnlyList<int> values)
    {
        var b = new byte[4 * values.Count];
        for (int i = 0; i < values.Count; i++) BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4 * i), values[i]);
        return new FbScalarVector(b, 4);
    }

    /// <summary>A float32 vector.</summary>
    public static FbScalarVector Of(IReadOnlyList<float> values)
    {
        var b = new byte[4 * values.Count];
        for (int i = 0; i < values.Count; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), values[i]);
        return new FbScalarVector(b, 4);
    }

    /// <summary>An int64 vector.</summary>
    public static FbScalarVector Of(IReadOnlyList<long> values)
    {
        var b = new byte[8 * values.Count];
        for (int i = 0; i < values.Count; i++) BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(8 * i), values[i]);
        return new FbScalarVector(b, 8);
    }

    internal override int Write(FbOutput o, Queue<(int At, FbObject Target)> pending)
    {
        // The element data (after the uint32 count) starts on a 16-byte boundary.
        o.Align(16, 4);
        int at = o.Pad(4);
        BinaryPrimitives.WriteUInt32LittleEndian(o.Span(at, 4), (uint)(data.Length / elementSize));
        o.Append(data);
        return at;
    }
}

/// <summary>A vector of offsets to tables.</summary>
internal sealed class FbObjectVector(FbObject[] items) : FbObject
{
    internal override int Write(FbOutput o, Queue<(int At, FbObject Target)> pending)
    {
        o.Align(4);
        int at = o.Pad(4 + 4 * items.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(o.Span(at, 4), (uint)items.Length);
        for (int i = 0; i < items.Length; i++) pending.Enqueue((at + 4 + 4 * i, items[i]));
        return at;
    }
}

/// <summary>A UTF-8 string (length, bytes, terminating zero).</summary>
internal sealed class FbString(string value) : FbObject
{
    internal override int Write(FbOutput o, Queue<(int At, FbObject Target)> pending)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        o.Align(4);
        int at = o.Pad(4);
        BinaryPrimitives.WriteUInt32LittleEndian(o.Span(at, 4), (uint)bytes.Length);
        o.Append(bytes);
        o.Pad(1);
        return at;
    }
}
