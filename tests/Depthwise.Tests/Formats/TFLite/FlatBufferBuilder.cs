using System.Buffers.Binary;
using System.Text;

namespace Depthwise.Tests.Formats.TFLite;

/// <summary>
/// A tiny FlatBuffer writer for tests: build a tree of <see cref="FbTable"/>s, vectors and strings, then
/// <see cref="FlatBufferBuilder.Serialize"/> lays it out front to back (each table's vtable just before it, every child
/// after its parent, so offsets are positive) and patches the offsets. Tests can also poke raw bytes afterwards.
/// </summary>
internal static class FlatBufferBuilder
{
    public static byte[] Serialize(FbTable root, string? identifier)
    {
        var w = new Writer();
        w.Bytes.AddRange(new byte[8]);
        for (int i = 0; i < 4 && identifier is not null; i++) w.Bytes[4 + i] = (byte)identifier[i];
        w.Pending.Enqueue((0, root));
        while (w.Pending.Count > 0)
        {
            var (at, node) = w.Pending.Dequeue();
            int pos = node.Write(w);
            w.PatchOffset(at, pos);
        }
        return w.Bytes.ToArray();
    }

    internal sealed class Writer
    {
        public List<byte> Bytes { get; } = [];
        public Queue<(int At, FbNode Node)> Pending { get; } = new();

        public void Align(int n)
        {
            while (Bytes.Count % n != 0) Bytes.Add(0);
        }

        public void U32At(int at, uint v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            for (int i = 0; i < 4; i++) Bytes[at + i] = b[i];
        }

        public void PatchOffset(int at, int target) => U32At(at, (uint)(target - at));

        public void Add(ReadOnlySpan<byte> b)
        {
            foreach (var x in b) Bytes.Add(x);
        }

        public void AddU32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            Add(b);
        }
    }
}

internal abstract class FbNode
{
    internal abstract int Write(FlatBufferBuilder.Writer w);
}

/// <summary>A table: fields by number, each a scalar (its little-endian bytes) or a child node.</summary>
internal sealed class FbTable : FbNode
{
    private readonly SortedDictionary<int, object> _fields = [];

    public FbTable U8(int field, byte v) { _fields[field] = new[] { v }; return this; }
    public FbTable I8(int field, sbyte v) => U8(field, unchecked((byte)v));
    public FbTable Bool(int field, bool v) => U8(field, v ? (byte)1 : (byte)0);
    public FbTable I32(int field, int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); _fields[field] = b; return this; }
    public FbTable U32(int field, uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); _fields[field] = b; return this; }
    public FbTable I64(int field, long v) { var b = new byte[8]; BinaryPrimitives.WriteInt64LittleEndian(b, v); _fields[field] = b; return this; }
    public FbTable U64(int field, ulong v) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); _fields[field] = b; return this; }
    public FbTable F32(int field, float v) { var b = new byte[4]; BinaryPrimitives.WriteSingleLittleEndian(b, v); _fields[field] = b; return this; }
    public FbTable Child(int field, FbNode? node) { if (node is not null) _fields[field] = node; return this; }
    public FbTable String(int field, string? s) => Child(field, s is null ? null : new FbString(s));
    public FbTable Ints(int field, params int[]? v) => Child(field, v is null ? null : FbVector.Of(v));
    public FbTable Floats(int field, params float[]? v) => Child(field, v is null ? null : FbVector.Of(v));
    public FbTable Longs(int field, params long[]? v) => Child(field, v is null ? null : FbVector.Of(v));
    public FbTable Bytes(int field, byte[]? v) => Child(field, v is null ? null : new FbVector(v, 1, v.Length));
    public FbTable Tables(int field, params FbTable[]? v) => Child(field, v is null ? null : new FbNodeVector(v));
    public FbTable Strings(int field, params string[]? v) => Child(field, v is null ? null : new FbNodeVector(v.Select(s => (FbNode)new FbString(s)).ToArray()));

    /// <summary>A union: its type byte in <paramref name="field"/>, the table in the next field.</summary>
    public FbTable Union(int field, byte type, FbTable? value)
    {
        if (type != 0) U8(field, type);
        return Child(field + 1, value);
    }

    internal override int Write(FlatBufferBuilder.Writer w)
    {
        int fieldCount = _fields.Count == 0 ? 0 : _fields.Keys.Max() + 1;
        // Object layout: soffset, then each field (4-aligned for simplicity).
        var offsets = new ushort[fieldCount];
        int size = 4;
        foreach (var (field, value) in _fields)
        {
            int len = value is byte[] b ? b.Length : 4;
            if (len >= 4) size = (size + 3) & ~3;
            offsets[field] = (ushort)size;
            size += len;
        }
        w.Align(2);
        int vtable = w.Bytes.Count;
        int vsize = 4 + 2 * fieldCount;
        var vt = new byte[vsize];
        BinaryPrimitives.WriteUInt16LittleEndian(vt, (ushort)vsize);
        BinaryPrimitives.WriteUInt16LittleEndian(vt.AsSpan(2), (ushort)size);
        for (int i = 0; i < fieldCount; i++) BinaryPrimitives.WriteUInt16LittleEndian(vt.AsSpan(4 + 2 * i), offsets[i]);
        w.Add(vt);
        w.Align(4);
        int table = w.Bytes.Count;
        w.Add(new byte[size]);
        var so = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(so, table - vtable);
        for (int i = 0; i < 4; i++) w.Bytes[table + i] = so[i];
        foreach (var (field, value) in _fields)
        {
            int at = table + offsets[field];
            if (value is byte[] b) for (int i = 0; i < b.Length; i++) w.Bytes[at + i] = b[i];
            else w.Pending.Enqueue((at, (FbNode)value));
        }
        return table;
    }
}

/// <summary>A vector of scalars (raw little-endian element bytes).</summary>
internal sealed class FbVector(byte[] data, int elementSize, int count) : FbNode
{
    public static FbVector Of(int[] v) { var b = new byte[v.Length * 4]; for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4 * i), v[i]); return new(b, 4, v.Length); }
    public static FbVector Of(float[] v) { var b = new byte[v.Length * 4]; for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), v[i]); return new(b, 4, v.Length); }
    public static FbVector Of(long[] v) { var b = new byte[v.Length * 8]; for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(8 * i), v[i]); return new(b, 8, v.Length); }

    internal override int Write(FlatBufferBuilder.Writer w)
    {
        // Element data aligned to 16 (TFLite buffers ask for it; harmless elsewhere).
        while ((w.Bytes.Count + 4) % Math.Max(elementSize, 16) != 0) w.Bytes.Add(0);
        int pos = w.Bytes.Count;
        w.AddU32((uint)count);
        w.Add(data);
        return pos;
    }
}

internal sealed class FbString(string s) : FbNode
{
    internal override int Write(FlatBufferBuilder.Writer w)
    {
        w.Align(4);
        int pos = w.Bytes.Count;
        var b = Encoding.UTF8.GetBytes(s);
        w.AddU32((uint)b.Length);
        w.Add(b);
        w.Bytes.Add(0);
        return pos;
    }
}

/// <summary>A vector of tables or strings (offsets).</summary>
internal sealed class FbNodeVector(FbNode[] items) : FbNode
{
    internal override int Write(FlatBufferBuilder.Writer w)
    {
        w.Align(4);
        int pos = w.Bytes.Count;
        w.AddU32((uint)items.Length);
        int first = w.Bytes.Count;
        w.Add(new byte[4 * items.Length]);
        for (int i = 0; i < items.Length; i++) w.Pending.Enqueue((first + 4 * i, items[i]));
        return pos;
    }
}
