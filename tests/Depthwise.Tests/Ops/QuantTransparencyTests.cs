using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

/// <summary>
/// Quantized uint8/int8 tensors flow through the data-movement operators: the stored bytes move as the op says (checked
/// against naive index arithmetic) and the output carries input 0's quantization (seen by a probe node in the plan).
/// </summary>
public class QuantTransparencyTests
{
    private static readonly QuantParams Q = QuantParams.PerTensor(0.05f, 7);

    private static readonly int[] Dims = [1, 2, 3, 4];

    /// <summary>[1, 2, 3, 4] uint8 with distinct values 3, 10, 17, ... (x[i] = 3 + 7·i).</summary>
    private static Tensor X(QuantParams? q = null) =>
        Tensor.FromArray(new Shape(Dims), Enumerable.Range(0, 24).Select(i => (byte)(3 + 7 * i)).ToArray(), q ?? Q);

    private static byte At(Tensor x, int n, int c, int h, int w) => x.ToArray<byte>()[((n * 2 + c) * 3 + h) * 4 + w];

    private static Tensor I64(params long[] v) => Tensor.FromArray(new Shape(v.Length), v);

    /// <summary>Runs the op and asserts the output quantization is <see cref="Q"/>; returns the outputs.</summary>
    private static Tensor[] RunKeepsQuant(Op op, Tensor?[] inputs, int outputs = 1, params int[] constants)
    {
        var (y, q) = QuantGraph.Run(op, inputs, outputs, constants);
        Assert.Equal(inputs[0]!.Quant, q);
        Assert.Equal(inputs[0]!.DataType, y[0].DataType);
        return y;
    }

    [Fact]
    public void ShapeOnlyOpsKeepTheBytes()
    {
        var x = X();
        var bytes = x.ToArray<byte>();
        var reshaped = RunKeepsQuant(new ReshapeOp(), [x, I64(2, -1)], 1, 1)[0];
        Assert.Equal(new Shape(2, 12), reshaped.Shape);
        Assert.Equal(bytes, reshaped.ToArray<byte>());
        Assert.Equal(bytes, RunKeepsQuant(new SqueezeOp(), [x, I64(0)], 1, 1)[0].ToArray<byte>());
        Assert.Equal(new Shape(1, 1, 2, 3, 4), RunKeepsQuant(new UnsqueezeOp(), [x, I64(0)], 1, 1)[0].Shape);
        var flat = RunKeepsQuant(new FlattenOp { Axis = 2 }, [x])[0];
        Assert.Equal(new Shape(2, 12), flat.Shape);
        Assert.Equal(bytes, flat.ToArray<byte>());
        Assert.Equal(bytes, RunKeepsQuant(new IdentityOp(), [x])[0].ToArray<byte>());
    }

    [Fact]
    public void TransposeMovesTheBytes()
    {
        var x = X();
        var y = RunKeepsQuant(new TransposeOp { Perm = [0, 2, 3, 1] }, [x])[0];
        Assert.Equal(new Shape(1, 3, 4, 2), y.Shape);
        var yb = y.ToArray<byte>();
        for (int h = 0; h < 3; h++)
        for (int w = 0; w < 4; w++)
        for (int c = 0; c < 2; c++)
            Assert.Equal(At(x, 0, c, h, w), yb[(h * 4 + w) * 2 + c]);

        var s8 = Tensor.FromArray(new Shape(2, 3), new sbyte[] { -128, -1, 0, 1, 2, 127 }, QuantParams.PerTensor(0.1f, -3));
        var t = RunKeepsQuant(new TransposeOp(), [s8])[0];
        Assert.Equal([-128, 1, -1, 2, 0, 127], t.ToArray<sbyte>());
    }

    [Fact]
    public void MaxPoolTakesTheLargestStoredValueInBothLayouts()
    {
        var x = X();
        var y = RunKeepsQuant(new MaxPoolOp { KernelShape = [2, 2] }, [x])[0];
        Assert.Equal(new Shape(1, 2, 2, 3), y.Shape);
        var yb = y.ToArray<byte>();
        for (int c = 0; c < 2; c++)
        for (int h = 0; h < 2; h++)
        for (int w = 0; w < 3; w++)
        {
            byte m = new[] { At(x, 0, c, h, w), At(x, 0, c, h + 1, w), At(x, 0, c, h, w + 1), At(x, 0, c, h + 1, w + 1) }.Max();
            Assert.Equal(m, yb[(c * 2 + h) * 3 + w]);
        }

        // NHWC: the same data transposed gives the same maxima transposed.
        var nhwc = Tensor.FromArray(new Shape(1, 3, 4, 2),
            Enumerable.Range(0, 24).Select(i => At(x, 0, i % 2, i / 8, i / 2 % 4)).ToArray(), Q);
        var z = RunKeepsQuant(new MaxPoolOp { KernelShape = [2, 2], Layout = ChannelLayout.ChannelsLast }, [nhwc])[0];
        Assert.Equal(new Shape(1, 2, 3, 2), z.Shape);
        var zb = z.ToArray<byte>();
        for (int c = 0; c < 2; c++)
        for (int h = 0; h < 2; h++)
        for (int w = 0; w < 3; w++)
            Assert.Equal(yb[(c * 2 + h) * 3 + w], zb[(h * 3 + w) * 2 + c]);

        // int8: negative stored values compare as signed.
        var s8 = Tensor.FromArray(new Shape(1, 1, 2, 2), new sbyte[] { -100, -5, -128, -6 }, QuantParams.PerTensor(0.1f, 0));
        Assert.Equal([-5], RunKeepsQuant(new MaxPoolOp { KernelShape = [2, 2] }, [s8])[0].ToArray<sbyte>());
    }

    [Fact]
    public void GlobalMaxPoolTakesEachChannelsLargestStoredValue()
    {
        var x = X();
        var y = RunKeepsQuant(new GlobalMaxPoolOp(), [x])[0];
        Assert.Equal(new Shape(1, 2, 1, 1), y.Shape);
        Assert.Equal([At(x, 0, 0, 2, 3), At(x, 0, 1, 2, 3)], y.ToArray<byte>());

        var nhwc = Tensor.FromArray(new Shape(1, 2, 2, 3), new sbyte[] { -1, 5, -128, 7, -9, -100, 3, 2, -120, 0, 1, -99 }, QuantParams.PerTensor(0.2f, 4));
        var z = RunKeepsQuant(new GlobalMaxPoolOp { Layout = ChannelLayout.ChannelsLast }, [nhwc])[0];
        Assert.Equal(new Shape(1, 1, 1, 3), z.Shape);
        Assert.Equal([7, 5, -99], z.ToArray<sbyte>());
    }

    [Fact]
    public void PadFillsWithTheZeroPointOrTheGivenStoredValue()
    {
        var x = Tensor.FromArray(new Shape(1, 2), new byte[] { 200, 9 }, Q);
        // Omitted constant_value: real 0, i.e. the zero point 7 (TFLite's PAD).
        var y = RunKeepsQuant(new PadOp(), [x, I64(0, 1, 0, 2)], 1, 1)[0];
        Assert.Equal([7, 200, 9, 7, 7], y.ToArray<byte>());
        // A given constant_value is a stored value.
        y = RunKeepsQuant(new PadOp(), [x, I64(0, 1, 0, 1), Tensor.Scalar((byte)3)], 1, 1, 2)[0];
        Assert.Equal([3, 200, 9, 3], y.ToArray<byte>());
        y = RunKeepsQuant(new PadOp { Mode = PadMode.Edge }, [x, I64(0, 1, 0, 1)], 1, 1)[0];
        Assert.Equal([200, 200, 9, 9], y.ToArray<byte>());
        // Unquantized uint8 still pads with 0 (ONNX).
        var plain = Tensor.FromArray(new Shape(2), new byte[] { 5, 6 });
        Assert.Equal([0, 5, 6], GraphFactory.RunOp(new PadOp(), [plain, I64(1, 0)], 1, 1)[0].ToArray<byte>());
        // int8 with a negative zero point.
        var s8 = Tensor.FromArray(new Shape(1), new sbyte[] { 50 }, QuantParams.PerTensor(0.1f, -128));
        Assert.Equal([-128, 50], RunKeepsQuant(new PadOp(), [s8, I64(1, 0)], 1, 1)[0].ToArray<sbyte>());
    }

    [Fact]
    public void SliceSplitConcatGatherSelectTheBytes()
    {
        var x = X();
        var bytes = x.ToArray<byte>();
        var sliced = RunKeepsQuant(new SliceOp(), [x, I64(1), I64(3), I64(3)], 1, 1, 2, 3)[0];
        Assert.Equal(new Shape(1, 2, 3, 2), sliced.Shape);
        Assert.Equal(Enumerable.Range(0, 6).SelectMany(r => new[] { bytes[r * 4 + 1], bytes[r * 4 + 2] }).ToArray(), sliced.ToArray<byte>());

        var parts = RunKeepsQuant(new SplitOp { Axis = 1 }, [x, I64(1, 1)], 2, 1);
        Assert.Equal(bytes[..12], parts[0].ToArray<byte>());
        Assert.Equal(bytes[12..], parts[1].ToArray<byte>());

        var joined = RunKeepsQuant(new ConcatOp { Axis = 1 }, [x, X()])[0];
        Assert.Equal(bytes.Concat(bytes).ToArray(), joined.ToArray<byte>());
        Assert.Throws<ShapeMismatchException>(() => QuantGraph.Run(new ConcatOp { Axis = 1 }, [x, X(QuantParams.PerTensor(0.05f, 8))]));

        var gathered = RunKeepsQuant(new GatherOp { Axis = 1 }, [x, I64(1, 0)], 1, 1)[0];
        Assert.Equal(bytes[12..].Concat(bytes[..12]).ToArray(), gathered.ToArray<byte>());
    }

    [Fact]
    public void NearestResizeCopiesTheBytes()
    {
        var x = X();
        var y = RunKeepsQuant(new ResizeOp { NearestMode = ResizeNearestMode.Floor, CoordinateMode = ResizeCoordinateMode.Asymmetric },
            [x, null, Tensor.FromArray(new Shape(4), new[] { 1f, 1, 2, 2 })], 1, 2)[0];
        Assert.Equal(new Shape(1, 2, 6, 8), y.Shape);
        var yb = y.ToArray<byte>();
        for (int c = 0; c < 2; c++)
        for (int h = 0; h < 6; h++)
        for (int w = 0; w < 8; w++)
            Assert.Equal(At(x, 0, c, h / 2, w / 2), yb[(c * 6 + h) * 8 + w]);
    }

    [Fact]
    public void PerAxisQuantizationFollowsItsDimOrIsRefused()
    {
        var perAxis = new QuantParams([0.1f, 0.2f, 0.3f, 0.4f], [0, 0, 0, 0], axis: 3);
        var x = X(perAxis);
        // Transpose NHWC-like [1,2,3,4] → [4,1,2,3]: the quantized dim 3 becomes dim 0.
        var (_, q) = QuantGraph.Run(new TransposeOp { Perm = [3, 0, 1, 2] }, [x]);
        Assert.Equal(0, q!.Axis);
        Assert.Equal(perAxis.Scales, q.Scales);
        // Squeeze of the leading 1: dim 3 becomes dim 2; a reshape that keeps the last dim keeps it last.
        Assert.Equal(2, QuantGraph.Run(new SqueezeOp(), [x, I64(0)], 1, 1).OutputQuant!.Axis);
        Assert.Equal(1, QuantGraph.Run(new ReshapeOp(), [x, I64(6, 4)], 1, 1).OutputQuant!.Axis);
        // Slicing another dim is fine; slicing or merging the quantized dim is refused.
        Assert.Equal(3, QuantGraph.Run(new SliceOp(), [x, I64(1), I64(3), I64(2)], 1, 1, 2, 3).OutputQuant!.Axis);
        Assert.Throws<ShapeMismatchException>(() => QuantGraph.Run(new SliceOp(), [x, I64(1), I64(3), I64(3)], 1, 1, 2, 3));
        Assert.Throws<ShapeMismatchException>(() => QuantGraph.Run(new ReshapeOp(), [x, I64(2, 12)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => QuantGraph.Run(new GatherOp { Axis = 3 }, [x, I64(0, 1, 2, 3)], 1, 1));
        Assert.Equal(2, QuantGraph.Run(new GatherOp { Axis = 1 }, [x, Tensor.Scalar(1L)], 1, 1).OutputQuant!.Axis);
    }

    private static Tensor Sizes(params long[] s) => Tensor.FromArray(new Shape(s.Length), s);

    private static Tensor ResizeTfLite(ResizeMode mode, ResizeCoordinateMode coords, Tensor x, params long[] sizes) =>
        RunKeepsQuant(new ResizeOp { Mode = mode, CoordinateMode = coords, TfLiteArithmetic = true }, [x, null, null, Sizes(sizes)], 1, 3)[0];

    [Fact]
    public void TfLiteBilinearRoundsAsTfLiteDoes()
    {
        // Width 2 → 4, scale 0.5. No flags: sources 0, 0.5, 1, 1.5 (upper index clamped) → 10, 15.5, 21, 21.
        // uint8 adds 0.5 and truncates (15.5 → 16); int8's 10-bit path rounds half away from zero (same here).
        var u8 = Tensor.FromArray(new Shape(1, 1, 2, 1), new byte[] { 10, 21 }, Q);
        Assert.Equal([10, 16, 21, 21], ResizeTfLite(ResizeMode.Linear, ResizeCoordinateMode.Asymmetric, u8, 1, 1, 4, 1).ToArray<byte>());
        // Half-pixel centres: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 → 10, 12.75, 18.25, 21 → +0.5, truncated: 10, 13, 18, 21.
        Assert.Equal([10, 13, 18, 21], ResizeTfLite(ResizeMode.Linear, ResizeCoordinateMode.HalfPixel, u8, 1, 1, 4, 1).ToArray<byte>());
        // Align corners, width 2 → 3: scale 0.5, sources 0, 0.5, 1 → 10, 16, 21.
        Assert.Equal([10, 16, 21], ResizeTfLite(ResizeMode.Linear, ResizeCoordinateMode.AlignCorners, u8, 1, 1, 3, 1).ToArray<byte>());

        var s8 = Tensor.FromArray(new Shape(1, 1, 2, 1), new sbyte[] { -10, -21 }, QuantParams.PerTensor(0.1f, 0));
        // -15.5 rounds away from zero to -16.
        Assert.Equal([-10, -16, -21, -21], ResizeTfLite(ResizeMode.Linear, ResizeCoordinateMode.Asymmetric, s8, 1, 1, 4, 1).ToArray<sbyte>());
        // Half-pixel in 1/1024 units: positions -256, 256, 768, 1280 → -10, -12.75, -18.25, -21 → -10, -13, -18, -21.
        Assert.Equal([-10, -13, -18, -21], ResizeTfLite(ResizeMode.Linear, ResizeCoordinateMode.HalfPixel, s8, 1, 1, 4, 1).ToArray<sbyte>());

        // 2-D with channels: 2×2 → 3×3, no flags (scale 2/3): row/col sources 0, 2/3, 4/3 (clamped to 1).
        var img = Tensor.FromArray(new Shape(1, 2, 2, 2), new byte[] { 0, 100, 90, 100, 30, 100, 120, 100 }, Q);
        var y = ResizeTfLite(ResizeMode.Linear, ResizeCoordinateMode.Asymmetric, img, 1, 3, 3, 2).ToArray<byte>();
        Assert.Equal(Enumerable.Repeat((byte)100, 9), Enumerable.Range(0, 9).Select(i => y[2 * i + 1]));
        // Channel 0 = 90·x + 30·y (bilinear in x, y): at (2/3, 2/3) 80 → 80.5 → 80; at (0, 2/3) 20; at (2/3, 0) 60.
        Assert.Equal(0, y[0]);
        Assert.Equal(60, y[2]);
        Assert.Equal(20, y[6]);
        Assert.Equal(80, y[8]);
        Assert.Equal(120, y[16]);
    }

    [Fact]
    public void TfLiteNearestIndicesFollowTfLiteFlags()
    {
        var x = Tensor.FromArray(new Shape(1, 1, 3, 1), new byte[] { 1, 2, 3 }, Q);
        // Width 3 → 5, scale 0.6: floor(o·0.6) = 0,0,1,1,2; half-pixel floor((o+0.5)·0.6) = 0,0,1,2,2;
        // align corners: scale 0.5, round half away from zero (o·0.5) = 0,1,1,2,2.
        Assert.Equal([1, 1, 2, 2, 3], ResizeTfLite(ResizeMode.Nearest, ResizeCoordinateMode.Asymmetric, x, 1, 1, 5, 1).ToArray<byte>());
        Assert.Equal([1, 1, 2, 3, 3], ResizeTfLite(ResizeMode.Nearest, ResizeCoordinateMode.HalfPixel, x, 1, 1, 5, 1).ToArray<byte>());
        Assert.Equal([1, 2, 2, 3, 3], ResizeTfLite(ResizeMode.Nearest, ResizeCoordinateMode.AlignCorners, x, 1, 1, 5, 1).ToArray<byte>());
    }

    [Fact]
    public void TfLiteFloatBilinearUsesTfLiteCoordinates()
    {
        var x = Tensor.FromArray(new Shape(1, 1, 2, 1), new[] { 10f, 21f });
        var y = GraphFactory.RunOp(new ResizeOp { Mode = ResizeMode.Linear, CoordinateMode = ResizeCoordinateMode.HalfPixel, TfLiteArithmetic = true },
            [x, null, null, Sizes(1, 1, 4, 1)], 1, 3)[0];
        Assert.Equal([10f, 12.75f, 18.25f, 21f], y.ToArray<float>());
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(
            new ResizeOp { Mode = ResizeMode.Linear, CoordinateMode = ResizeCoordinateMode.HalfPixel, TfLiteArithmetic = true },
            [Tensor.Zeros(DataType.Float32, new Shape(1, 2, 2, 2)), null, null, Sizes(1, 2, 2, 4)], 1, 3));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(
            new ResizeOp { Mode = ResizeMode.Linear, CoordinateMode = ResizeCoordinateMode.PytorchHalfPixel, TfLiteArithmetic = true },
            [x, null, null, Sizes(1, 1, 4, 1)], 1, 3));
    }
}
