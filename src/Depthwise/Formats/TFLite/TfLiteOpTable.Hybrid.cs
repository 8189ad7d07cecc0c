using Depthwise.Graph;
using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.TFLite;

internal static partial class TfLiteOpTable
{
    private const int FcAsymmetricQuantizeInputs = 3;

    /// <summary>
    /// True when a float-activation operator has int8 weights (a dynamic-range quantized model) and the import options
    /// ask for TFLite's hybrid kernels.
    /// </summary>
    private static bool IsHybrid(TfLiteNode n) =>
        n.ImportOptions.HybridKernels && n.InputType(0) == DataType.Float32 && n.InputType(1) == DataType.Int8;

    /// <summary>
    /// A hybrid CONV_2D / DEPTHWISE_CONV_2D as TFLite computes it: DEPTHWISE_CONV_2D always quantizes its input
    /// asymmetrically and scales as (acc·sx)·sw[c]; CONV_2D asymmetrically when its filter has several distinct scales
    /// (TFLite's per-channel hybrid path) and symmetrically otherwise, scaling as acc·(sw·sx).
    /// </summary>
    private static void AddHybridConv(TfLiteNode n, ConvAttributes a, Value weights, Value? bias, bool depthwise)
    {
        var q = n.InputQuant(1) ?? throw n.Invalid($"reads int8 weights {n.InputTensor(1)} with float activations, but they have no quantization parameters");
        RequireFloatBias(n);
        bool perChannel = q.Scales.Count > 1 && q.Scales.Any(s => s != q.Scales[0]);
        n.Add(new HybridConvOp
        {
            Strides = a.Strides,
            Dilations = a.Dilations,
            AutoPad = a.Padding,
            Group = a.Group,
            Layout = ChannelLayout.ChannelsLast,
            Activation = TfLiteNode.ConvActivationOf(a.Activation) ?? throw n.Unsupported($"fused activation {a.Activation} on a hybrid {n.Code.Name}"),
            InputQuantization = depthwise || perChannel ? HybridInputQuantization.Asymmetric : HybridInputQuantization.Symmetric,
            DepthwiseScaleOrder = depthwise,
        }, [n.Input(0), weights, bias], n.Output(0));
    }

    /// <summary>
    /// A hybrid FULLY_CONNECTED: each input row quantized on its own (asymmetrically when the options set
    /// asymmetric_quantize_inputs), i.e. a 1×1 hybrid convolution over [rows, 1, 1, K], reshaped back.
    /// </summary>
    private static void AddHybridFullyConnected(TfLiteNode n, FlatTable? options, Value input, int k, TfLiteActivation activation)
    {
        if (n.InputQuant(1) is null) throw n.Invalid($"reads int8 weights {n.InputTensor(1)} with float activations, but they have no quantization parameters");
        RequireFloatBias(n);
        int units = n.InputTensor(1).Shape[0];
        bool asymmetric = options?.Bool(FcAsymmetricQuantizeInputs, "asymmetric_quantize_inputs") ?? false;
        var rows = n.AddTemp("rows_nhwc", new ReshapeOp(), input, n.Int64s("rows_nhwc_shape", -1, 1, 1, k));
        var filter = n.AddTemp("weights_oihw", new ReshapeOp(), n.Input(1), n.Int64s("weights_oihw_shape", units, k, 1, 1));
        var y = n.AddTemp("hybrid", new HybridConvOp
        {
            Layout = ChannelLayout.ChannelsLast,
            Activation = TfLiteNode.ConvActivationOf(activation) ?? throw n.Unsupported($"fused activation {activation} on a hybrid FULLY_CONNECTED"),
            InputQuantization = asymmetric ? HybridInputQuantization.Asymmetric : HybridInputQuantization.Symmetric,
        }, rows, filter, n.OptionalInput(2));
        n.Add(new ReshapeOp(), [y, n.Int64s("output_shape", OutputShapeWithDynamicBatch(n.OutputTensor(0)))], n.Output(0));
    }

    private static void RequireFloatBias(TfLiteNode n)
    {
        if (n.HasInput(2) && n.InputType(2) != DataType.Float32)
            throw n.Unsupported($"a hybrid {n.Code.Name} with a {DataTypes.Name(n.InputType(2))} bias (TFLite's hybrid kernels take a float32 bias)");
    }
}
