namespace Depthwise.Tensors;

/// <summary>Facts about <see cref="DataType"/> values: element size, name, and the CLR type that stores each.</summary>
public static class DataTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(DataType type) => type switch
    {
        DataType.Float32 or DataType.Int32 => 4,
        DataType.UInt8 or DataType.Int8 or DataType.Bool => 1,
        DataType.Int64 => 8,
        DataType.Float16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no element size for this data type"),
    };

    /// <summary>Lower-case name as used in messages and numpy-style descriptions: float32, uint8, ...</summary>
    public static string Name(DataType type) => type switch
    {
        DataType.Float32 => "float32",
        DataType.UInt8 => "uint8",
        DataType.Int8 => "int8",
        DataType.Int32 => "int32",
        DataType.Int64 => "int64",
        DataType.Bool => "bool",
        DataType.Float16 => "float16",
        _ => "undefined",
    };

    /// <summary>The data type whose elements are stored as <typeparamref name="T"/>.</summary>
    public static DataType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DataType.Float32;
        if (typeof(T) == typeof(byte)) return DataType.UInt8;
        if (typeof(T) == typeof(sbyte)) return DataType.Int8;
        if (typeof(T) == typeof(int)) return DataType.Int32;
        if (typeof(T) == typeof(long)) return DataType.Int64;
        if (typeof(T) == typeof(bool)) return DataType.Bool;
        if (typeof(T) == typeof(Half)) return DataType.Float16;
        throw new NotSupportedException($"{typeof(T).Name} is not a Depthwise element type");
    }

    /// <summary>True for the integer types (not bool).</summary>
    public static bool IsInteger(DataType type) => type is DataType.UInt8 or DataType.Int8 or DataType.Int32 or DataType.Int64;

    /// <summary>True for float32 and float16.</summary>
    public static bool IsFloat(DataType type) => type is DataType.Float32 or DataType.Float16;
}
