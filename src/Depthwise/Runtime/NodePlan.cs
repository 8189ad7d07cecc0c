using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Runtime;

/// <summary>One step of an execution plan: a node, its kernel and the slots of its buffers (-1 for an omitted input).</summary>
public sealed class NodePlan
{
    internal NodePlan(Node node, Kernel kernel, int[] inputs, int[] outputs, int scratchSlot, long macs)
    {
        Node = node;
        Kernel = kernel;
        Inputs = inputs;
        Outputs = outputs;
        ScratchSlot = scratchSlot;
        Macs = macs;
    }

    /// <summary>The graph node.</summary>
    public Node Node { get; }

    /// <summary>The kernel chosen for it.</summary>
    public Kernel Kernel { get; }

    /// <summary>Slot index of each input (-1 when omitted).</summary>
    internal int[] Inputs { get; }

    /// <summary>Slot index of each output.</summary>
    internal int[] Outputs { get; }

    /// <summary>Slot of the scratch buffer, or -1.</summary>
    internal int ScratchSlot { get; }

    /// <summary>Multiply-accumulates this step performs.</summary>
    public long Macs { get; }

    /// <summary>Shapes of the outputs.</summary>
    public IReadOnlyList<Shape> OutputShapes(ExecutionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Outputs.Select(o => plan.Shapes[o]).ToArray();
    }
}
