using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Depthwise.Formats.TFLite;

/// <summary>The kinds of FlexBuffer value <see cref="FlexBufferReader"/> returns.</summary>
internal enum FlexValueKind
{
    /// <summary>Null, or a value of a type not read here (vectors, blobs, nested maps).</summary>
    Other,
    /// <summary>A signed integer (INT, INDIRECT_INT).</summary>
    Int,
    /// <summary>An unsigned integer (UINT, INDIRECT_UINT).</summary>
    UInt,
    /// <summary>A float (FLOAT, INDIRECT_FLOAT; 32 or 64 bits).</summary>
    Float,
    /// <summary>A bool.</summary>
    Bool,
    /// <summary>A string or key.</summary>
    String,
}

/// <summary>One scalar value of a FlexBuffer map.</summary>
internal readonly record struct FlexValue(FlexValueKind Kind, long Int, double Float, string? Text)
{
    /// <summary>The value as an integer (floats truncated, bools 0/1), or null for strings and other values.</summary>
    public long? AsInt() => Kind switch
    {
        FlexValueKind.Int or FlexValueKind.UInt or FlexValueKind.Bool => Int,
        FlexValueKind.Float when double.IsFinite(Float) && Math.Abs(Float) < 9e18 => (long)Float,
        _ => null,
    };

    /// <summary>The value as a double (integers converted), or null for strings and other values.</summary>
    public double? AsDouble() => Kind switch
    {
        FlexValueKind.Float => Float,
        FlexValueKind.Int or FlexValueKind.Bool => Int,
        FlexValueKind.UInt => (ulong)Int,
        _ => null,
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        FlexValueKind.Int or FlexValueKind.Bool => Int.ToString(CultureInfo.InvariantCulture),
        FlexValueKind.UInt => ((ulong)Int).ToString(CultureInfo.InvariantCulture),
        FlexValueKind.Float => Float.ToString("R", CultureInfo.InvariantCulture),
        FlexValueKind.String => Text ?? "",
        _ => "(other)",
    };
}

/// <summary>
/// A bounds-checked reader of the FlexBuffer maps TFLite custom operators keep their options in (e.g.
/// TFLite_Detection_PostProcess: keys → int, float or bool). FlexBuffers are written back to front: the last byte is
/// the root's byte width, the one before it the root's packed type (type &lt;&lt; 2 | log2 of the child width), and
/// offsets count backwards from where they are stored. A map is a vector of values preceded by three fields (the
/// offset and byte width of its sorted key vector, then its length) and followed by one packed type per value.
/// Only scalar and string values are decoded; every offset is checked and every problem is a <see cref="ModelFormatException"/>.
/// </summary>
internal static class FlexBufferReader
{
    private const int TypeNull = 0, TypeInt = 1, TypeUInt = 2, TypeFloat = 3, TypeKey = 4, TypeString = 5,
        TypeIndirectInt = 6, TypeIndirectUInt = 7, TypeIndirectFloat = 8, TypeMap = 9, TypeBool = 26;

    /// <summary>Most entries a custom operator's options map may have.</summary>
    public const int MaxEntries = 4096;

    /// <summary>Reads a FlexBuffer whose root is a map into key → value.</summary>
    /// <param name="data">The FlexBuffer bytes.</param>
    /// <param name="source">The file, for errors.</param>
    /// <param name="where">What the bytes are (e.g. the operator's custom_options), for errors.</param>
    public static Dictionary<string, FlexValue> ReadMap(ReadOnlySpan<byte> data, string? source, string where)
    {
        if (data.Length < 3) throw Error($"the options are {data.Length} bytes; a FlexBuffer map needs more", source, where, 0);
        int rootWidth = data[^1];
        int packed = data[^2];
        if (rootWidth is not (1 or 2 or 4 or 8)) throw Error($"the root byte width is {rootWidth}; it must be 1, 2, 4 or 8", source, where, data.Length - 1);
        int rootPos = data.Length - 2 - rootWidth;
        if (rootPos < 0) throw Error("the root value does not fit in the buffer", source, where, data.Length - 2);
        if (packed >> 2 != TypeMap) throw Error($"the root has FlexBuffer type {packed >> 2}; expected a map ({TypeMap})", source, where, data.Length - 2);
        int mapPos = Indirect(data, rootPos, rootWidth, source, where);
        int width = 1 << (packed & 3);

        long length = ReadUInt(data, mapPos - width, width, source, where);
        long keysField = mapPos - 3L * width;
        long keysPos = keysField - ReadUInt(data, keysField, width, source, where);
        long keysWidth = ReadUInt(data, mapPos - 2L * width, width, source, where);
        if (keysWidth is not (1 or 2 or 4 or 8)) throw Error($"the key vector's byte width is {keysWidth}; it must be 1, 2, 4 or 8", source, where, mapPos - 2L * width);
        if (length > MaxEntries) throw Error($"the map claims {length} entries; at most {MaxEntries} are read", source, where, mapPos - width);
        // Values, then one type byte each, must fit; so must the keys.
        Check(data, mapPos, length * width + length, source, where, "the map's values");
        Check(data, keysPos, length * keysWidth, source, where, "the map's keys");
        long keyCount = ReadUInt(data, keysPos - keysWidth, (int)keysWidth, source, where);
        if (keyCount != length) throw Error($"the map has {length} values but {keyCount} keys", source, where, keysPos);

        var map = new Dictionary<string, FlexValue>(StringComparer.Ordinal);
        for (int i = 0; i < length; i++)
        {
            long keySlot = keysPos + i * keysWidth;
            long keyPos = keySlot - ReadUInt(data, keySlot, (int)keysWidth, source, where);
            string key = ReadKey(data, keyPos, source, where);
            long valuePos = mapPos + (long)i * width;
            int valueType = data[(int)(mapPos + length * width + i)];
            map[key] = ReadValue(data, (int)valuePos, width, valueType, source, $"{where} key '{key}'");
        }
        return map;
    }

    private static FlexValue ReadValue(ReadOnlySpan<byte> data, int pos, int parentWidth, int packed, string? source, string where)
    {
        int type = packed >> 2;
        int childWidth = 1 << (packed & 3);
        switch (type)
        {
            case TypeInt: return new(FlexValueKind.Int, ReadInt(data, pos, parentWidth, source, where), 0, null);
            case TypeUInt: return new(FlexValueKind.UInt, ReadUInt(data, pos, parentWidth, source, where), 0, null);
            case TypeBool: return new(FlexValueKind.Bool, ReadUInt(data, pos, parentWidth, source, where) != 0 ? 1 : 0, 0, null);
            case TypeFloat: return new(FlexValueKind.Float, 0, ReadFloat(data, pos, parentWidth, source, where), null);
            case TypeIndirectInt:
                return new(FlexValueKind.Int, ReadInt(data, Indirect(data, pos, parentWidth, source, where), childWidth, source, where), 0, null);
            case TypeIndirectUInt:
                return new(FlexValueKind.UInt, ReadUInt(data, Indirect(data, pos, parentWidth, source, where), childWidth, source, where), 0, null);
            case TypeIndirectFloat:
                return new(FlexValueKind.Float, 0, ReadFloat(data, Indirect(data, pos, parentWidth, source, where), childWidth, source, where), null);
            case TypeKey:
                return new(FlexValueKind.String, 0, 0, ReadKey(data, Indirect(data, pos, parentWidth, source, where), source, where));
            case TypeString:
                {
                    int s = Indirect(data, pos, parentWidth, source, where);
                    long len = ReadUInt(data, s - childWidth, childWidth, source, where);
                    Check(data, s, len, source, where, "the string");
                    return new(FlexValueKind.String, 0, 0, Encoding.UTF8.GetString(data.Slice(s, (int)len)));
                }
            default:
                return new(FlexValueKind.Other, 0, 0, null);
        }
    }

    private static int Indirect(ReadOnlySpan<byte> data, long pos, int width, string? source, string where)
    {
        long target = pos - ReadUInt(data, pos, width, source, where);
        if (target < 0 || target >= data.Length) throw Error($"the offset at byte {pos} points to byte {target}, outside the {data.Length}-byte options", source, where, pos);
        return (int)target;
    }

    private static string ReadKey(ReadOnlySpan<byte> data, long pos, string? source, string where)
    {
        Check(data, pos, 0, source, where, "a key");
        int end = data[(int)pos..].IndexOf((byte)0);
        if (end < 0) throw Error($"the key at byte {pos} has no terminating zero", source, where, pos);
        return Encoding.UTF8.GetString(data.Slice((int)pos, end));
    }

    private static long ReadUInt(ReadOnlySpan<byte> data, long pos, int width, string? source, string where)
    {
        Check(data, pos, width, source, where, "an integer");
        var s = data[(int)pos..];
        return width switch
        {
            1 => s[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(s),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(s),
            // A 64-bit offset or length beyond the buffer is caught by the next bounds check; clamp so it stays positive.
            _ => (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(s), long.MaxValue / 4),
        };
    }

    private static long ReadInt(ReadOnlySpan<byte> data, long pos, int width, string? source, string where)
    {
        Check(data, pos, width, source, where, "an integer");
        var s = data[(int)pos..];
        return width switch
        {
            1 => (sbyte)s[0],
            2 => BinaryPrimitives.ReadInt16LittleEndian(s),
            4 => BinaryPrimitives.ReadInt32LittleEndian(s),
            _ => BinaryPrimitives.ReadInt64LittleEndian(s),
        };
    }

    private static double ReadFloat(ReadOnlySpan<byte> data, long pos, int width, string? source, string where)
    {
        if (width is not (4 or 8)) throw Error($"a float of {width} bytes at byte {pos}; floats have 4 or 8", source, where, pos);
        Check(data, pos, width, source, where, "a float");
        var s = data[(int)pos..];
        return width == 4 ? BinaryPrimitives.ReadSingleLittleEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s);
    }

    private static void Check(ReadOnlySpan<byte> data, long pos, long size, string? source, string where, string what)
    {
        if (pos < 0 || size < 0 || pos > data.Length || size > data.Length - pos)
            throw Error($"{what} at byte {pos} ({size} bytes) lies outside the {data.Length}-byte options", source, where, Math.Clamp(pos, 0, data.Length));
    }

    private static ModelFormatException Error(string message, string? source, string where, long offset) =>
        new($"invalid FlexBuffer: {message}", source, $"{where}, byte {offset.ToString(CultureInfo.InvariantCulture)}");
}
