using Depthwise.Ops;

namespace Depthwise.Formats.Onnx;

internal static partial class OnnxOpTable
{
    static partial void AddElementwiseRows(List<OnnxOpRow> rows)
    {
        Row(rows, "Relu", 6, _ => new ReluOp(), (_, _) => { });
        Row(rows, "Add", 7, _ => new AddOp(), (_, _) => { });
    }
}
