using Depthwise.Formats.Onnx;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Ops;

namespace Depthwise.Tests.Ops;

/// <summary>The export half of the neural-net rows: each IR op is written as its opset-18 ONNX form.</summary>
public class NeuralNetExportTests
{
    private static OnnxExportNode Export(Op op, string[] inputs, string[] outputs)
    {
        var proto = new NodeProto { OpType = op.OpType, Name = "n" };
        proto.Input.AddRange(inputs);
        proto.Output.AddRange(outputs);
        int fresh = 0;
        var e = new OnnxExportNode(proto, (stem, _) => stem, stem => $"{stem}_{fresh++}");
        var row = OnnxOpTable.FindExport(op.GetType());
        Assert.NotNull(row);
        row!.Export!(op, e);
        return e;
    }

    private static Dictionary<string, AttributeProto> Attrs(OnnxExportNode e) => e.Proto.Attribute.ToDictionary(a => a.Name);

    [Fact]
    public void ConvWritesGivenAttributesOnly()
    {
        var e = Export(new ConvOp { Group = 4, Strides = [2, 2], Pads = [1, 0, 1, 0] }, ["x", "w", "b"], ["y"]);
        var a = Attrs(e);
        Assert.Equal([2L, 2L], a["strides"].Ints);
        Assert.Equal([1L, 0L, 1L, 0L], a["pads"].Ints);
        Assert.Equal(4L, a["group"].I);
        Assert.False(a.ContainsKey("auto_pad"));
        Assert.False(a.ContainsKey("dilations"));

        var same = Attrs(Export(new ConvOp { AutoPad = AutoPad.SameLower, Pads = [1, 1, 1, 1] }, ["x", "w"], ["y"]));
        Assert.Equal("SAME_LOWER", same["auto_pad"].S.ToStringUtf8());
        Assert.False(same.ContainsKey("pads"));
    }

    [Fact]
    public void PoolsAndGemmWriteTheirFlags()
    {
        var mp = Attrs(Export(new MaxPoolOp { KernelShape = [3, 3], CeilMode = true, StorageOrder = 1 }, ["x"], ["y", "i"]));
        Assert.Equal([3L, 3L], mp["kernel_shape"].Ints);
        Assert.Equal(1L, mp["ceil_mode"].I);
        Assert.Equal(1L, mp["storage_order"].I);
        var ap = Attrs(Export(new AveragePoolOp { KernelShape = [2], CountIncludePad = true }, ["x"], ["y"]));
        Assert.Equal(1L, ap["count_include_pad"].I);
        Assert.Throws<UnsupportedOperatorException>(() => Export(new AveragePoolOp { KernelShape = [2], Dilations = [2] }, ["x"], ["y"]));
        var gemm = Attrs(Export(new GemmOp { TransB = true, Alpha = 0.5f }, ["a", "b", "c"], ["y"]));
        Assert.Equal(1L, gemm["transB"].I);
        Assert.Equal(0.5f, gemm["alpha"].F);
        Assert.False(gemm.ContainsKey("beta"));
        Assert.Throws<UnsupportedOperatorException>(() => Export(new BatchNormalizationOp { Spatial = false }, ["x", "s", "b", "m", "v"], ["y"]));
    }

    [Fact]
    public void ModernSoftmaxWritesItsAxis()
    {
        var e = Export(new SoftmaxOp { Axis = 1 }, ["x"], ["y"]);
        Assert.Equal(1L, Attrs(e)["axis"].I);
        Assert.Empty(e.Before);
        Assert.Empty(e.After);
    }

    [Fact]
    public void LegacySoftmaxBecomesFlattenSoftmaxReshape()
    {
        var e = Export(new LogSoftmaxOp { Axis = 2, CoerceTo2D = true }, ["x"], ["y"]);
        Assert.Equal(["Shape", "Flatten"], e.Before.Select(n => n.OpType));
        Assert.Equal("x", e.Before[0].Input[0]);
        Assert.Equal("x", e.Before[1].Input[0]);
        Assert.Equal(2L, e.Before[1].Attribute.Single(a => a.Name == "axis").I);
        Assert.Equal(e.Before[1].Output[0], e.Inputs[0]);
        Assert.Equal(1L, Attrs(e)["axis"].I);
        var reshape = Assert.Single(e.After);
        Assert.Equal("Reshape", reshape.OpType);
        Assert.Equal([e.Outputs[0], e.Before[0].Output[0]], reshape.Input);
        Assert.Equal("y", reshape.Output[0]);
    }
}
