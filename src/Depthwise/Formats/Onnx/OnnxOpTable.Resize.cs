using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.Onnx;

internal static partial class OnnxOpTable
{
    static partial void AddResizeRows(List<OnnxOpRow> rows)
    {
        // Pad-2 (all of opsets 7..10) has pads and value as attributes; they become constant inputs.
        Row(rows, "Pad", 2, n =>
        {
            var op = new PadOp { Mode = PadModeOf(n) };
            if (n.Inputs.Count != 1) throw n.Invalid("Pad before opset 11 takes one input");
            var pads = n.Ints("pads") ?? throw n.Invalid("attribute 'pads' is required");
            float value = n.Float("value", 0f);
            n.Inputs.RemoveRange(1, n.Inputs.Count - 1);
            n.SetConstantInput(1, Tensor.FromArray(new Shape(pads.Length), pads));
            // The IR wants constant_value in the data's type; the attribute is always float.
            if (value != 0) n.SetConstantInput(2, (n.Input(0)?.DataType ?? DataType.Undefined) switch
            {
                DataType.Float16 => Tensor.Scalar((Half)value),
                DataType.Int32 => Tensor.Scalar(int.CreateSaturating(value)),
                DataType.Int64 => Tensor.Scalar(long.CreateSaturating(value)),
                DataType.Int8 => Tensor.Scalar(sbyte.CreateSaturating(value)),
                DataType.UInt8 => Tensor.Scalar(byte.CreateSaturating(value)),
                DataType.Bool => Tensor.Scalar(value != 0),
                _ => Tensor.Scalar(value),
            });
            return op;
        });
        Row(rows, "Pad", 11, n => new PadOp { Mode = PadModeOf(n) });
        Row(rows, "Pad", 18, n => new PadOp { Mode = PadModeOf(n) }, (op, e) =>
        {
            if (op.Mode != PadMode.Constant) e.Attr("mode", op.Mode == PadMode.Edge ? "edge" : "reflect");
        });

        // Resize-10: inputs (X, scales), asymmetric coordinates, no nearest_mode.
        Row(rows, "Resize", 10, n =>
        {
            if (n.Inputs.Count < 2) throw n.Invalid("Resize-10 takes inputs X and scales");
            n.Inputs.Insert(1, null);
            return new ResizeOp
            {
                Mode = ResizeModeOf(n, allowCubic: false),
                CoordinateMode = ResizeCoordinateMode.Asymmetric,
                NearestMode = ResizeNearestMode.FloorUpCeilDown,
            };
        });
        Row(rows, "Resize", 11, ImportResize);
        Row(rows, "Resize", 13, ImportResize);
        Row(rows, "Resize", 18, ImportResize, ExportResize);

        // Upsample-7: scales attribute; Upsample-9: scales input. Both are Resize with asymmetric coordinates.
        Row(rows, "Upsample", 7, n =>
        {
            if (n.Inputs.Count != 1) throw n.Invalid("Upsample-7 takes one input");
            var scales = n.Floats("scales") ?? throw n.Invalid("attribute 'scales' is required");
            n.Inputs.RemoveRange(1, n.Inputs.Count - 1);
            n.SetConstantInput(2, Tensor.FromArray(new Shape(scales.Length), scales));
            return ImportUpsample(n);
        });
        Row(rows, "Upsample", 9, n =>
        {
            if (n.Inputs.Count != 2) throw n.Invalid("Upsample-9 takes inputs X and scales");
            n.Inputs.Insert(1, null);
            return ImportUpsample(n);
        });
    }

    private static PadMode PadModeOf(OnnxNode n) => n.String("mode", "constant") switch
    {
        "constant" => PadMode.Constant,
        "reflect" => PadMode.Reflect,
        "edge" => PadMode.Edge,
        "wrap" => throw n.Unsupported("mode 'wrap' (added in opset 19)"),
        var m => throw n.Invalid($"mode '{m}' is not one of constant, reflect, edge"),
    };

    private static ResizeMode ResizeModeOf(OnnxNode n, bool allowCubic) => n.String("mode", "nearest") switch
    {
        "nearest" => ResizeMode.Nearest,
        // Some old exporters wrote bilinear/trilinear for Upsample; they mean linear.
        "linear" or "bilinear" or "trilinear" => ResizeMode.Linear,
        "cubic" when allowCubic => ResizeMode.Cubic,
        var m => throw n.Invalid($"mode '{m}' is not one of nearest, linear{(allowCubic ? ", cubic" : "")}"),
    };

    private static ResizeOp ImportUpsample(OnnxNode n) => new()
    {
        Mode = ResizeModeOf(n, allowCubic: false),
        CoordinateMode = ResizeCoordinateMode.Asymmetric,
        NearestMode = ResizeNearestMode.FloorUpCeilDown,
    };

    /// <summary>Resize 11, 13 and 18: the same attributes, 18 adding antialias, axes and keep_aspect_ratio_policy.</summary>
    private static ResizeOp ImportResize(OnnxNode n)
    {
        var coordinate = n.String("coordinate_transformation_mode", "half_pixel") switch
        {
            "half_pixel" => ResizeCoordinateMode.HalfPixel,
            "half_pixel_symmetric" => ResizeCoordinateMode.HalfPixelSymmetric,
            "pytorch_half_pixel" => ResizeCoordinateMode.PytorchHalfPixel,
            "align_corners" => ResizeCoordinateMode.AlignCorners,
            "asymmetric" => ResizeCoordinateMode.Asymmetric,
            "tf_crop_and_resize" => ResizeCoordinateMode.TfCropAndResize,
            // Removed in opset 13, but models still carry it and ONNX Runtime still accepts it.
            "tf_half_pixel_for_nn" => ResizeCoordinateMode.TfHalfPixelForNearest,
            var m => throw n.Invalid($"coordinate_transformation_mode '{m}' is not valid"),
        };
        var nearest = n.String("nearest_mode", "round_prefer_floor") switch
        {
            "round_prefer_floor" => ResizeNearestMode.RoundPreferFloor,
            "round_prefer_ceil" => ResizeNearestMode.RoundPreferCeil,
            "floor" => ResizeNearestMode.Floor,
            "ceil" => ResizeNearestMode.Ceil,
            var m => throw n.Invalid($"nearest_mode '{m}' is not valid"),
        };
        var mode = ResizeModeOf(n, allowCubic: true);
        long[]? axes = null;
        var policy = ResizeAspectRatioPolicy.Stretch;
        if (n.Opset >= 18)
        {
            if (n.Int("antialias", 0) != 0 && mode != ResizeMode.Nearest)
                throw n.Unsupported("attribute antialias=1 (antialiased linear/cubic downscaling) is not implemented");
            axes = n.Ints("axes");
            policy = n.String("keep_aspect_ratio_policy", "stretch") switch
            {
                "stretch" => ResizeAspectRatioPolicy.Stretch,
                "not_larger" => ResizeAspectRatioPolicy.NotLarger,
                "not_smaller" => ResizeAspectRatioPolicy.NotSmaller,
                var m => throw n.Invalid($"keep_aspect_ratio_policy '{m}' is not valid"),
            };
        }
        return new ResizeOp
        {
            Mode = mode,
            CoordinateMode = coordinate,
            NearestMode = nearest,
            CubicCoeffA = n.Float("cubic_coeff_a", -0.75f),
            ExcludeOutside = n.Int("exclude_outside", 0) != 0,
            ExtrapolationValue = n.Float("extrapolation_value", 0f),
            Axes = axes,
            KeepAspectRatioPolicy = policy,
        };
    }

    private static void ExportResize(ResizeOp op, OnnxExportNode e)
    {
        if (op.Mode != ResizeMode.Nearest) e.Attr("mode", op.Mode == ResizeMode.Linear ? "linear" : "cubic");
        if (op.CoordinateMode != ResizeCoordinateMode.HalfPixel)
        {
            e.Attr("coordinate_transformation_mode", op.CoordinateMode switch
            {
                ResizeCoordinateMode.HalfPixelSymmetric => "half_pixel_symmetric",
                ResizeCoordinateMode.PytorchHalfPixel => "pytorch_half_pixel",
                ResizeCoordinateMode.AlignCorners => "align_corners",
                ResizeCoordinateMode.Asymmetric => "asymmetric",
                ResizeCoordinateMode.TfCropAndResize => "tf_crop_and_resize",
                _ => "tf_half_pixel_for_nn",
            });
        }
        if (op.Mode == ResizeMode.Nearest && op.NearestMode != ResizeNearestMode.RoundPreferFloor)
        {
            // The pre-opset-11 rounding is floor wherever an axis grows (Upsample only grows); shrinking by a
            // non-integer factor is the one case opset 18 cannot express exactly.
            e.Attr("nearest_mode", op.NearestMode switch
            {
                ResizeNearestMode.RoundPreferCeil => "round_prefer_ceil",
                ResizeNearestMode.Ceil => "ceil",
                _ => "floor",
            });
        }
        if (op.Mode == ResizeMode.Cubic)
        {
            if (op.CubicCoeffA != -0.75f) e.Attr("cubic_coeff_a", op.CubicCoeffA);
            if (op.ExcludeOutside) e.Attr("exclude_outside", 1L);
        }
        if (op.ExtrapolationValue != 0) e.Attr("extrapolation_value", op.ExtrapolationValue);
        if (op.Axes is not null) e.Attr("axes", op.Axes);
        if (op.KeepAspectRatioPolicy != ResizeAspectRatioPolicy.Stretch)
            e.Attr("keep_aspect_ratio_policy", op.KeepAspectRatioPolicy == ResizeAspectRatioPolicy.NotLarger ? "not_larger" : "not_smaller");
    }
}
