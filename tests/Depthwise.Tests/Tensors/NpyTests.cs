using Depthwise.Tensors;

namespace Depthwise.Tests.Tensors;

public class NpyTests
{
    [Theory]
    [InlineData(DataType.Float32)]
    [InlineData(DataType.Float16)]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Int8)]
    [InlineData(DataType.Int32)]
    [InlineData(DataType.Int64)]
    [InlineData(DataType.Bool)]
    public void RoundTrips(DataType type)
    {
        var t = Tensor.Zeros(type, new Shape(2, 3, 5));
        var rnd = new Random(1);
        rnd.NextBytes(t.Bytes.Span);
        if (type == DataType.Bool) foreach (ref var b in t.Bytes.Span) b &= 1;
        using var ms = new MemoryStream();
        Npy.Write(ms, t);
        Assert.Equal(0, (ms.Length - t.Bytes.Length) % 64);
        var back = Npy.Read(ms.ToArray());
        Assert.Equal(t.Shape, back.Shape);
        Assert.Equal(type, back.DataType);
        Assert.True(t.Bytes.Span.SequenceEqual(back.Bytes.Span));
    }

    [Fact]
    public void RejectsGarbageAndTruncation()
    {
        Assert.Throws<ModelFormatException>(() => Npy.Read(new byte[] { 1, 2, 3 }));
        using var ms = new MemoryStream();
        Npy.Write(ms, Tensor.Zeros(DataType.Float32, new Shape(100)));
        var bytes = ms.ToArray();
        Assert.Throws<ModelFormatException>(() => Npy.Read(bytes.AsSpan(0, bytes.Length - 4)));
    }
}
