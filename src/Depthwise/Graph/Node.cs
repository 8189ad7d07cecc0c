using Depthwise.Ops;

namespace Depthwise.Graph;

/// <summary>One operation of the graph: a typed operator plus its input and output values.</summary>
public sealed class Node
{
    internal Node(string name, Op op, Value?[] inputs, Value[] outputs)
    {
        Name = name;
        Op = op;
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>Node name (unique within the graph; generated when the model had none).</summary>
    public string Name { get; internal set; }

    /// <summary>The operator with its typed attributes.</summary>
    public Op Op { get; set; }

    /// <summary>Inputs in operator order; null marks an omitted optional input.</summary>
    public Value?[] Inputs { get; internal set; }

    /// <summary>Outputs in operator order.</summary>
    public Value[] Outputs { get; internal set; }

    /// <summary>Input <paramref name="i"/>, or null when absent or omitted.</summary>
    public Value? Input(int i) => i < Inputs.Length ? Inputs[i] : null;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Op.OpType})";
}
