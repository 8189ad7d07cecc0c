using Depthwise.Graph;
using Depthwise.Tensors;

namespace Depthwise.Runtime;

/// <summary>Name, element type and declared shape (unknown dims included) of a model input or output.</summary>
public sealed record TensorInfo(string Name, DataType DataType, IReadOnlyList<Dim>? Shape)
{
    /// <summary>Formats as <c>name: float32[N,3,224,224]</c>.</summary>
    public override string ToString() =>
        $"{Name}: {DataTypes.Name(DataType)}" + (Shape is null ? "[?]" : "[" + string.Join(",", Shape) + "]");
}
