using System.Runtime.InteropServices;

namespace Depthwise.Tensors;

/// <summary>
/// A dense, row-major tensor: a data type, a shape, optional quantization parameters and little-endian
/// element bytes. Used for constants in graphs and for the inputs and outputs of a session.
/// </summary>
public sealed class Tensor
{
    private readonly Memory<byte> _bytes;

    /// <summary>Wraps existing element bytes (not copied). Length must equal the shape's byte size.</summary>
    public Tensor(DataType dataType, Shape shape, Memory<byte> bytes, QuantParams? quant = null)
    {
        long need = (long)shape.ElementCount * DataTypes.SizeOf(dataType);
        if (bytes.Length != need)
            throw new ArgumentException($"{DataTypes.Name(dataType)} tensor of shape {shape} needs {need} bytes, got {bytes.Length}", nameof(bytes));
        DataType = dataType;
        Shape = shape;
        _bytes = bytes;
        Quant = quant;
    }

    /// <summary>Allocates a zero-filled tensor.</summary>
    public static Tensor Zeros(DataType dataType, Shape shape, QuantParams? quant = null)
    {
        long need = (long)shape.ElementCount * DataTypes.SizeOf(dataType);
        if (need > int.MaxValue) throw new ArgumentException($"tensor of shape {shape} is too large ({need} bytes)");
        return new Tensor(dataType, shape, new byte[need], quant);
    }

    /// <summary>Creates a tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromSpan<T>(Shape shape, ReadOnlySpan<T> data, QuantParams? quant = null) where T : unmanaged
    {
        if (data.Length != shape.ElementCount)
            throw new ArgumentException($"shape {shape} has {shape.ElementCount} elements, data has {data.Length}", nameof(data));
        var t = Zeros(DataTypes.Of<T>(), shape, quant);
        data.CopyTo(t.AsSpan<T>());
        return t;
    }

    /// <summary>Creates a tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray<T>(Shape shape, T[] data, QuantParams? quant = null) where T : unmanaged
        => FromSpan<T>(shape, data, quant);

    /// <summary>A rank-0 tensor holding one value.</summary>
    public static Tensor Scalar<T>(T value) where T : unmanaged => FromSpan<T>(Shape.Scalar, [value]);

    /// <summary>Element type.</summary>
    public DataType DataType { get; }

    /// <summary>Dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>Quantization parameters, when the tensor holds quantized values.</summary>
    public QuantParams? Quant { get; }

    /// <summary>Number of elements.</summary>
    public int ElementCount => Shape.ElementCount;

    /// <summary>The raw little-endian element bytes.</summary>
    public Memory<byte> Bytes => _bytes;

    /// <summary>The elements as a span of <typeparamref name="T"/>, which must match <see cref="DataType"/>.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        var want = DataTypes.Of<T>();
        if (want != DataType)
            throw new InvalidOperationException($"tensor holds {DataTypes.Name(DataType)}, not {DataTypes.Name(want)}");
        return MemoryMarshal.Cast<byte, T>(_bytes.Span);
    }

    /// <summary>A copy of the elements.</summary>
    public T[] ToArray<T>() where T : unmanaged => AsSpan<T>().ToArray();

    /// <summary>A tensor sharing this one's bytes under another shape with the same element count.</summary>
    public Tensor Reshape(Shape shape)
    {
        if (shape.ElementCount != ElementCount)
            throw new ArgumentException($"cannot view {ElementCount} elements as {shape}", nameof(shape));
        return new Tensor(DataType, shape, _bytes, Quant);
    }

    /// <summary>Reads the elements of an integer tensor (int32 or int64, also uint8/int8/bool) widened to 64 bits.</summary>
    public long[] ToInt64Array()
    {
        return DataType switch
        {
            DataType.Int64 => AsSpan<long>().ToArray(),
            DataType.Int32 => Array.ConvertAll(AsSpan<int>().ToArray(), v => (long)v),
            DataType.UInt8 or DataType.Bool => Array.ConvertAll(_bytes.Span.ToArray(), v => (long)v),
            DataType.Int8 => Array.ConvertAll(AsSpan<sbyte>().ToArray(), v => (long)v),
            _ => throw new InvalidOperationException($"tensor holds {DataTypes.Name(DataType)}, not integers"),
        };
    }

    /// <summary>Reads the elements of a float tensor (float32 or float16) or an integer tensor as 32-bit floats.</summary>
    public float[] ToFloatArray()
    {
        switch (DataType)
        {
            case DataType.Float32: return AsSpan<float>().ToArray();
            case DataType.Float16:
                {
                    var src = AsSpan<Half>();
                    var r = new float[src.Length];
                    for (int i = 0; i < r.Length; i++) r[i] = (float)src[i];
                    return r;
                }
            default: return Array.ConvertAll(ToInt64Array(), v => (float)v);
        }
    }

    /// <summary>A deep copy.</summary>
    public Tensor Clone() => new(DataType, Shape, _bytes.ToArray(), Quant);

    /// <inheritdoc />
    public override string ToString() => $"{DataTypes.Name(DataType)}{Shape}";
}
