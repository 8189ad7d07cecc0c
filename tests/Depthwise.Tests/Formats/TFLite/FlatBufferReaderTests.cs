using System.Buffers.Binary;
using Depthwise.Formats.TFLite;

namespace Depthwise.Tests.Formats.TFLite;

/// <summary>The FlatBuffer and FlexBuffer readers on hand-built buffers: values, defaults, and every bounds check.</summary>
public sealed class FlatBufferReaderTests
{
    private static byte[] Sample() => FlatBufferBuilder.Serialize(new FbTable()
        .I32(0, -7).U8(1, 200).Bool(2, true).F32(3, 2.5f).I64(4, long.MinValue).U64(6, ulong.MaxValue)
        .String(7, "héllo").Ints(8, 1, -2, 3).Floats(9, 0.5f, -1f).Longs(10, 1L << 40).Bytes(11, [9, 8, 7])
        .Strings(12, "a", "", "bc")
        .Tables(13, new FbTable().I32(0, 1), new FbTable().I32(0, 2))
        .Union(14, 3, new FbTable().String(0, "inside"))
        .Child(16, new FbTable().I32(1, 99)), "TEST");

    [Fact]
    public void ReadsScalarsVectorsStringsTablesAndUnions()
    {
        var r = FlatBufferReader.Open(Sample(), "sample", "TEST", "test buffer");
        var t = r.Root("root");
        Assert.Equal(-7, t.I32(0, "a"));
        Assert.Equal(200, t.U8(1, "b"));
        Assert.True(t.Bool(2, "c"));
        Assert.Equal(2.5f, t.F32(3, "d"));
        Assert.Equal(long.MinValue, t.I64(4, "e"));
        Assert.Equal(ulong.MaxValue, t.U64(6, "g"));
        Assert.Equal("héllo", t.String(7, "s"));
        Assert.Equal([1, -2, 3], t.Ints(8, "ints")!);
        Assert.Equal([0.5f, -1f], t.Floats(9, "floats")!);
        Assert.Equal([1L << 40], t.Longs(10, "longs")!);
        Assert.Equal([9, 8, 7], t.Bytes(11, "bytes")!.Value.ToArray());
        Assert.Equal(["a", "", "bc"], t.Strings(12, "strings")!);
        var tables = t.Tables(13, "tables");
        Assert.Equal(2, tables.Count);
        Assert.Equal(2, tables[1].I32(0, "x"));
        var (type, value) = t.Union(14, "u");
        Assert.Equal(3, type);
        Assert.Equal("inside", value!.Value.String(0, "s"));
        Assert.Equal(99, t.Table(16, "sub")!.Value.I32(1, "y"));
        Assert.Equal(-5, t.Table(16, "sub")!.Value.I32(0, "absent", -5));
    }

    [Fact]
    public void AbsentFieldsGiveTheirDefaults()
    {
        var r = FlatBufferReader.Open(Sample(), null, null, "test buffer");
        var t = r.Root("root");
        Assert.Equal(42, t.I32(5, "absent", 42));
        Assert.Equal(42, t.I32(40, "beyond the vtable", 42));
        Assert.Equal(1.5f, t.F32(40, "f", 1.5f));
        Assert.Null(t.String(40, "s"));
        Assert.Null(t.Ints(40, "v"));
        Assert.Equal(0, t.Tables(40, "t").Count);
        Assert.Equal((byte)0, t.Union(40, "u").Type);
        Assert.False(t.Has(5, "absent"));
        Assert.True(t.Has(0, "a"));
    }

    [Fact]
    public void NestedBuffersAreReadWithTheirOwnIdentifier()
    {
        var inner = FlatBufferBuilder.Serialize(new FbTable().String(0, "nested"), "M001");
        var outer = FlatBufferBuilder.Serialize(new FbTable().Bytes(0, inner), "TFL3");
        var r = FlatBufferReader.Open(outer, "f", "TFL3", "outer");
        var bytes = r.Root("root").Bytes(0, "inner")!.Value;
        var nested = r.OpenNested(bytes, "M001", "inner");
        Assert.Equal("nested", nested.Root("inner").String(0, "s"));
        Assert.Throws<ModelFormatException>(() => r.OpenNested(bytes, "XXXX", "inner"));
    }

    [Fact]
    public void WrongIdentifierAndTruncationAreFormatErrors()
    {
        var e = Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(Sample(), "m.bin", "TFL3", "TensorFlow Lite model"));
        Assert.Contains("'TEST', expected 'TFL3'", e.Message);
        Assert.Equal("m.bin", e.File);
        Assert.Contains("byte 4", e.Location);
        Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(new byte[7], null, null, "x"));
        // The root offset points past the end.
        var bytes = Sample()[..40];
        Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(bytes, null, "TEST", "x").Root("root").Ints(8, "ints"));
    }

    [Fact]
    public void OffsetsOutsideTheBufferAreFormatErrors()
    {
        var bytes = Sample();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length + 100);
        var e = Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(bytes, null, null, "x").Root("root"));
        Assert.Contains("outside", e.Message);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0);
        Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(bytes, null, null, "x").Root("root"));
    }

    [Fact]
    public void VtablesOutsideTheBufferOrMalformedAreFormatErrors()
    {
        var bytes = Sample();
        int root = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(root), root + 1000);   // vtable before byte 0
        Assert.Contains("vtable", Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(copy, null, null, "x").Root("root")).Message);
        copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(root), -bytes.Length);  // vtable past the end
        Assert.Contains("vtable", Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(copy, null, null, "x").Root("root")).Message);
        copy = (byte[])bytes.Clone();
        int vtable = root - BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(root));
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(vtable), 3);              // odd vtable size
        Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(copy, null, null, "x").Root("root"));
        copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(vtable + 2), 60000);       // object larger than the buffer
        Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(copy, null, null, "x").Root("root"));
        copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(vtable + 4), 2000);        // field 0 outside the table
        var e = Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(copy, null, null, "x").Root("root").I32(0, "a"));
        Assert.Contains("root.a", e.Location);
    }

    [Fact]
    public void VectorLengthsBeyondTheBufferAreRejectedBeforeAllocating()
    {
        var bytes = FlatBufferBuilder.Serialize(new FbTable().Ints(0, 1, 2, 3), null);
        var r = FlatBufferReader.Open(bytes, null, null, "x");
        var root = r.Root("root");
        int field = root.Position + 4;
        int vector = field + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(field));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(vector), 0x7FFF_FFFF);
        var e = Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(bytes, null, null, "x").Root("root").Ints(0, "ints"));
        Assert.Contains("2147483647 elements", e.Message);
        // A declared maximum is also enforced.
        var ok = FlatBufferBuilder.Serialize(new FbTable().Ints(0, 1, 2, 3), null);
        Assert.Throws<ModelFormatException>(() => FlatBufferReader.Open(ok, null, null, "x").Root("root").Ints(0, "ints", maxCount: 2));
    }

    [Fact]
    public void StructuresThatShareBytesManyTimesExhaustTheBudgetInsteadOfHanging()
    {
        // Root → vector of 40,000 offsets, all to one table whose field is a 100,000-int vector: reading "every entry"
        // would decode 16 GB from a 560 kB buffer.
        const int entries = 40_000, ints = 100_000;
        var b = new byte[8 + 8 + 8 + 4 + 4 * entries + 8 + 8 + 4 + 4 * ints];
        int pos = 8;
        // root table: vtable [6, 8, 4] then table [soffset, field0 offset]
        int rootVt = pos; BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(pos), 6); BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(pos + 2), 8); BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(pos + 4), 4);
        pos += 8;
        int rootTable = pos;
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(pos), rootTable - rootVt);
        pos += 8;
        int vector = pos;
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(rootTable + 4), (uint)(vector - (rootTable + 4)));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(vector), entries);
        int innerVt = vector + 4 + 4 * entries;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(innerVt), 6); BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(innerVt + 2), 8); BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(innerVt + 4), 4);
        int inner = innerVt + 8;
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(inner), inner - innerVt);
        int data = inner + 8;
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(inner + 4), (uint)(data - (inner + 4)));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(data), ints);
        for (int i = 0; i < entries; i++)
        {
            int slot = vector + 4 + 4 * i;
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(slot), (uint)(inner - slot));
        }
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)rootTable);
        var r = FlatBufferReader.Open(b, null, null, "x");
        var tables = r.Root("root").Tables(0, "t");
        Assert.Equal(100_000, tables[0].Ints(0, "ints")!.Length);
        var e = Assert.Throws<ModelFormatException>(() =>
        {
            for (int i = 0; i < tables.Count; i++) _ = tables[i].Ints(0, "ints");
        });
        Assert.Contains("budget", e.Message);
    }

    [Fact]
    public void FlexBufferMapsReadIntsFloatsAndBools()
    {
        var bytes = FlexBufferBuilder.Map(("max_detections", 10), ("nms_iou_threshold", 0.6f), ("use_regular_nms", false), ("y_scale", 10f));
        var map = FlexBufferReader.ReadMap(bytes, null, "options");
        Assert.Equal(4, map.Count);
        Assert.Equal(10, map["max_detections"].AsInt());
        Assert.Equal(0.6f, (float)map["nms_iou_threshold"].AsDouble()!.Value);
        Assert.Equal(0, map["use_regular_nms"].AsInt());
        Assert.Equal(FlexValueKind.Bool, map["use_regular_nms"].Kind);
        Assert.Equal(10.0, map["y_scale"].AsDouble());
    }

    [Fact]
    public void MalformedFlexBuffersAreFormatErrors()
    {
        var good = FlexBufferBuilder.Map(("a", 1), ("b", 2f));
        Assert.Throws<ModelFormatException>(() => FlexBufferReader.ReadMap(good.AsSpan(0, 2), null, "o"));
        var bad = (byte[])good.Clone();
        bad[^1] = 3;   // root width
        Assert.Throws<ModelFormatException>(() => FlexBufferReader.ReadMap(bad, null, "o"));
        bad = (byte[])good.Clone();
        bad[^2] = 10 << 2;   // a vector, not a map
        Assert.Contains("map", Assert.Throws<ModelFormatException>(() => FlexBufferReader.ReadMap(bad, null, "o")).Message);
        bad = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bad.AsSpan(bad.Length - 6), 100_000);   // root offset before the start
        Assert.Throws<ModelFormatException>(() => FlexBufferReader.ReadMap(bad, null, "o"));
        // Every truncation and every single-byte change either reads or fails with a format error.
        for (int n = 0; n < good.Length; n++)
        {
            try { FlexBufferReader.ReadMap(good.AsSpan(0, n), null, "o"); } catch (ModelFormatException) { }
            for (int v = 0; v < 256; v += 17)
            {
                var m = (byte[])good.Clone();
                m[n] = (byte)v;
                try { FlexBufferReader.ReadMap(m, null, "o"); } catch (ModelFormatException) { }
            }
        }
    }
}
