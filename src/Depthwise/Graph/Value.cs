using Depthwise.Tensors;

namespace Depthwise.Graph;

/// <summary>
/// A tensor-valued edge of the graph: produced by one node (or a graph input, or a constant) and read by any number of nodes.
/// Concrete shapes of intermediate values are computed per execution plan, not stored here.
/// </summary>
public sealed class Value
{
    internal Value(Graph owner, string name)
    {
        Owner = owner;
        Name = name;
    }

    /// <summary>The graph the value belongs to.</summary>
    public Graph Owner { get; }

    /// <summary>Unique name within the graph.</summary>
    public string Name { get; internal set; }

    /// <summary>Element type, when known from the model or from a constant.</summary>
    public DataType DataType { get; set; }

    /// <summary>Shape as declared by the model (graph inputs and outputs, value_info), possibly with unknown dims; null when undeclared.</summary>
    public IReadOnlyList<Dim>? DeclaredShape { get; set; }

    /// <summary>The constant's data when this value is an initializer or folded constant.</summary>
    public Tensor? Constant { get; set; }

    /// <summary>Quantization parameters, when the value holds quantized data.</summary>
    public QuantParams? Quant { get; set; }

    /// <summary>The node that produces this value, or null for graph inputs and constants.</summary>
    public Node? Producer { get; internal set; }

    /// <summary>True when this value is a constant.</summary>
    public bool IsConstant => Constant is not null;

    /// <inheritdoc />
    public override string ToString() => Name;
}
