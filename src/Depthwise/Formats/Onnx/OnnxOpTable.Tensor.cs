using Depthwise.Ops;

namespace Depthwise.Formats.Onnx;

internal static partial class OnnxOpTable
{
    static partial void AddTensorRows(List<OnnxOpRow> rows)
    {
        Row(rows, "Reshape", 5, n => new ReshapeOp { AllowZero = n.Int("allowzero", 0) != 0 }, (op, e) => { if (op.AllowZero) e.Attr("allowzero", 1L); });
    }
}
