using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class CastOpTests
{
    private static readonly DataType[] Types =
        [DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64, DataType.Bool];

    private static readonly double[] FloatValues =
        [0, -0.0, 1.5, -1.5, 2.9, -2.9, 127.9, 128, -129, 255.5, 256, 300, -300, 65504, 65520, 3e9, -3e9, 1e20, -1e20, 1e-8, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    private static readonly long[] IntegerValues =
        [0, 1, -1, 127, -128, 128, 255, 256, -129, 300, 65535, 70000, int.MaxValue, int.MinValue, (1L << 40) + 5, -(1L << 33) - 1, long.MaxValue, long.MinValue];

    /// <summary>The source values of a type, as the tensor and as exact doubles or longs.</summary>
    private static (Tensor Tensor, double[] AsDouble, long[] AsLong) Source(DataType type)
    {
        switch (type)
        {
            case DataType.Float32: { var v = FloatValues.Select(d => (float)d).ToArray(); return (Tensor.FromArray(new Shape(v.Length), v), v.Select(f => (double)f).ToArray(), []); }
            case DataType.Float16: { var v = FloatValues.Select(d => (Half)d).ToArray(); return (Tensor.FromArray(new Shape(v.Length), v), v.Select(h => (double)h).ToArray(), []); }
            case DataType.Bool: { var v = new[] { false, true, true, false }; return (Tensor.FromArray(new Shape(4), v), [], v.Select(b => b ? 1L : 0L).ToArray()); }
        }
        var l = type switch
        {
            DataType.Int8 => IntegerValues.Where(x => x is >= sbyte.MinValue and <= sbyte.MaxValue).ToArray(),
            DataType.UInt8 => IntegerValues.Where(x => x is >= 0 and <= 255).ToArray(),
            DataType.Int32 => IntegerValues.Where(x => x is >= int.MinValue and <= int.MaxValue).ToArray(),
            _ => IntegerValues,
        };
        var shape = new Shape(l.Length);
        var t = type switch
        {
            DataType.Int8 => Tensor.FromArray(shape, l.Select(x => (sbyte)x).ToArray()),
            DataType.UInt8 => Tensor.FromArray(shape, l.Select(x => (byte)x).ToArray()),
            DataType.Int32 => Tensor.FromArray(shape, l.Select(x => (int)x).ToArray()),
            _ => Tensor.FromArray(shape, l),
        };
        return (t, [], l);
    }

    /// <summary>The expected result as a double (exact for every target), from the documented rules.</summary>
    private static double ExpectedFromFloat(double v, DataType to)
    {
        if (to == DataType.Bool) return v != 0 ? 1 : 0;   // NaN != 0
        if (to == DataType.Float32) return (float)v;
        if (to == DataType.Float16) return (double)(Half)v;
        if (double.IsNaN(v)) return 0;
        double t = Math.Truncate(v);
        return to switch
        {
            DataType.Int8 => Math.Clamp(t, sbyte.MinValue, sbyte.MaxValue),
            DataType.UInt8 => Math.Clamp(t, 0, 255),
            DataType.Int32 => Math.Clamp(t, int.MinValue, int.MaxValue),
            _ => t >= 9.2233720368547758e18 ? long.MaxValue : t <= -9.2233720368547758e18 ? long.MinValue : (long)t,
        };
    }

    private static double ExpectedFromInteger(long v, DataType to) => to switch
    {
        DataType.Bool => v != 0 ? 1 : 0,
        DataType.Float32 => (float)v,
        DataType.Float16 => (double)(Half)(float)v,
        DataType.Int8 => unchecked((sbyte)v),
        DataType.UInt8 => unchecked((byte)v),
        DataType.Int32 => unchecked((int)v),
        _ => v,
    };

    private static double[] Read(Tensor t) => t.DataType switch
    {
        DataType.Float32 => t.ToArray<float>().Select(f => (double)f).ToArray(),
        DataType.Float16 => t.ToArray<Half>().Select(h => (double)h).ToArray(),
        DataType.Bool => t.ToArray<bool>().Select(b => b ? 1.0 : 0.0).ToArray(),
        DataType.Int8 => t.ToArray<sbyte>().Select(x => (double)x).ToArray(),
        DataType.UInt8 => t.ToArray<byte>().Select(x => (double)x).ToArray(),
        DataType.Int32 => t.ToArray<int>().Select(x => (double)x).ToArray(),
        _ => t.ToArray<long>().Select(x => (double)x).ToArray(),
    };

    public static TheoryData<DataType, DataType> Pairs()
    {
        var d = new TheoryData<DataType, DataType>();
        foreach (var a in Types) foreach (var b in Types) d.Add(a, b);
        return d;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void ConvertsBetweenEveryPairOfTypes(DataType from, DataType to)
    {
        var (src, asDouble, asLong) = Source(from);
        var y = GraphFactory.RunOp(new CastOp { To = to }, [src])[0];
        Assert.Equal(to, y.DataType);
        Assert.Equal(src.Shape, y.Shape);
        var actual = Read(y);
        bool isFloat = from is DataType.Float32 or DataType.Float16;
        for (int i = 0; i < actual.Length; i++)
        {
            double e = isFloat ? ExpectedFromFloat(asDouble[i], to) : ExpectedFromInteger(asLong[i], to);
            // int64 values beyond 2^53 read back through double lose low bits identically on both sides.
            string x = isFloat ? asDouble[i].ToString("R") : asLong[i].ToString();
            Assert.True(e.Equals(actual[i]) || (to == DataType.Int64 && (double)(long)e == actual[i]), $"{from} {x} → {to}: got {actual[i]:R}, expected {e:R}");
        }
    }

    [Fact]
    public void ExactInt64ConversionsKeepEveryBit()
    {
        var y = GraphFactory.RunOp(new CastOp { To = DataType.Int64 }, [Tensor.FromArray(new Shape(3), new[] { 9.2233715e18f, -9.3e18f, float.NaN })])[0].ToArray<long>();
        Assert.Equal(new[] { 9223371487098961920L, long.MinValue, 0L }, y);
        var z = GraphFactory.RunOp(new CastOp { To = DataType.Int32 }, [Tensor.FromArray(new Shape(2), new[] { long.MaxValue, (1L << 32) + 7 })])[0].ToArray<int>();
        Assert.Equal(new[] { -1, 7 }, z);
    }

    [Fact]
    public void ImportsTheTargetAndRefusesTypesWeDoNotHave()
    {
        var s = OnnxNode(13, "Cast", [("x", DataType.Float32, [2])], 1, n => n.Attribute.Add(Attr("to", (long)DataType.Int32)));
        Assert.Equal(new[] { -2, 3 }, s.Run(Tensor.FromArray(new Shape(2), new[] { -2.7f, 3.7f }))[0].ToArray<int>());
        var e = Assert.Throws<UnsupportedOperatorException>(() => OnnxNode(13, "Cast", [("x", DataType.Float32, [2])], 1, n => n.Attribute.Add(Attr("to", 11L))));
        Assert.Contains("DOUBLE", e.Message);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_cast_FLOAT16_to_FLOAT", "test_cast_FLOAT_to_FLOAT16");
}
