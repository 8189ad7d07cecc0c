using Depthwise.Graph;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// What an operator sees of one node while a plan is compiled: the concrete type, shape and (when known) constant value
/// of each input, and the outputs it has inferred.
/// </summary>
public sealed class OpContext
{
    private readonly ValueState[] _inputs;
    private readonly ValueState[] _outputs;

    internal OpContext(Node node, ValueState[] inputs, ValueState[] outputs, int threads = 1)
    {
        Node = node;
        Threads = threads;
        _inputs = inputs;
        _outputs = outputs;
    }

    /// <summary>The node being compiled.</summary>
    public Node Node { get; }

    /// <summary>
    /// Threads the plan runs kernels on (see <see cref="KernelContext.Parallel"/>), e.g. to size per-thread scratch.
    /// Must not change the results.
    /// </summary>
    public int Threads { get; }

    /// <summary>Number of input slots (including omitted optional ones).</summary>
    public int InputCount => _inputs.Length;

    /// <summary>Number of outputs.</summary>
    public int OutputCount => _outputs.Length;

    /// <summary>True when input <paramref name="i"/> is present (not omitted).</summary>
    public bool HasInput(int i) => i < _inputs.Length && _inputs[i].IsPresent;

    /// <summary>Type of input <paramref name="i"/>.</summary>
    public DataType InputType(int i) => Present(i).Type;

    /// <summary>Shape of input <paramref name="i"/>.</summary>
    public Shape InputShape(int i) => Present(i).Shape;

    /// <summary>The constant value of input <paramref name="i"/>, or null when it is only known at run time.</summary>
    public Tensor? InputConstant(int i) => HasInput(i) ? _inputs[i].Constant : null;

    /// <summary>Quantization parameters of input <paramref name="i"/>, when it is quantized.</summary>
    public QuantParams? InputQuant(int i) => HasInput(i) ? _inputs[i].Quant : null;

    /// <summary>The constant value of input <paramref name="i"/>; an error naming the node when it is not constant.</summary>
    public Tensor RequireConstant(int i) =>
        InputConstant(i) ?? throw Error($"input {i} ('{Node.Inputs[i]?.Name}') must be a constant or computable when the plan is compiled");

    /// <summary>Sets output <paramref name="i"/>'s type and shape.</summary>
    public void SetOutput(int i, DataType type, Shape shape)
    {
        _outputs[i].IsPresent = true;
        _outputs[i].Type = type;
        _outputs[i].Shape = shape;
    }

    /// <summary>Sets output <paramref name="i"/> to a value known at compile time (its type and shape follow).</summary>
    public void SetOutputConstant(int i, Tensor value)
    {
        SetOutput(i, value.DataType, value.Shape);
        _outputs[i].Constant = value;
    }

    /// <summary>Sets output <paramref name="i"/>'s quantization parameters.</summary>
    public void SetOutputQuant(int i, QuantParams? quant) => _outputs[i].Quant = quant;

    /// <summary>Type of output <paramref name="i"/> (after inference).</summary>
    public DataType OutputType(int i) => _outputs[i].Type;

    /// <summary>Shape of output <paramref name="i"/> (after inference).</summary>
    public Shape OutputShape(int i) => _outputs[i].Shape;

    /// <summary>An exception naming this node, for the operator to throw.</summary>
    public ShapeMismatchException Error(string message) => new(Node.Name, Node.Op.OpType, message);

    /// <summary>An exception for a valid use of this operator that Depthwise does not implement (e.g. training mode).</summary>
    public UnsupportedOperatorException Unsupported(string detail) => new(Node.Name, Node.Op.OpType, detail);

    /// <summary>Throws unless input <paramref name="i"/> has one of the allowed types.</summary>
    public void ExpectType(int i, params ReadOnlySpan<DataType> allowed)
    {
        var t = InputType(i);
        foreach (var a in allowed) if (a == t) return;
        throw Error($"input {i} ('{Node.Inputs[i]?.Name}') has type {DataTypes.Name(t)}; expected one of {string.Join(", ", allowed.ToArray().Select(DataTypes.Name))}");
    }

    /// <summary>Throws unless input <paramref name="i"/> has rank <paramref name="rank"/>.</summary>
    public void ExpectRank(int i, int rank)
    {
        if (InputShape(i).Rank != rank)
            throw Error($"input {i} ('{Node.Inputs[i]?.Name}') has shape {InputShape(i)}; expected rank {rank}");
    }

    private ValueState Present(int i)
    {
        if (!HasInput(i)) throw Error($"required input {i} is missing");
        return _inputs[i];
    }
}

/// <summary>Compile-time knowledge of one value: type, concrete shape, constant data and quantization.</summary>
internal sealed class ValueState
{
    public bool IsPresent;
    public DataType Type;
    public Shape Shape;
    public Tensor? Constant;
    public QuantParams? Quant;
}
