using System.Runtime.InteropServices;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>The buffers of one node in one execution frame: typed views of its inputs, outputs and scratch memory.</summary>
public readonly ref struct KernelContext
{
    private readonly ExecutionFrame _frame;
    private readonly NodePlan _node;

    internal KernelContext(ExecutionFrame frame, NodePlan node)
    {
        _frame = frame;
        _node = node;
    }

    /// <summary>True when input <paramref name="i"/> is present.</summary>
    public bool HasInput(int i) => i < _node.Inputs.Length && _node.Inputs[i] >= 0;

    /// <summary>Input <paramref name="i"/> as elements of <typeparamref name="T"/>.</summary>
    public ReadOnlySpan<T> Input<T>(int i) where T : unmanaged => MemoryMarshal.Cast<byte, T>(_frame.Slots[_node.Inputs[i]].Span);

    /// <summary>Input <paramref name="i"/> as raw bytes.</summary>
    public ReadOnlySpan<byte> InputBytes(int i) => _frame.Slots[_node.Inputs[i]].Span;

    /// <summary>Output <paramref name="i"/> as elements of <typeparamref name="T"/>.</summary>
    public Span<T> Output<T>(int i) where T : unmanaged => MemoryMarshal.Cast<byte, T>(_frame.Slots[_node.Outputs[i]].Span);

    /// <summary>Output <paramref name="i"/> as raw bytes.</summary>
    public Span<byte> OutputBytes(int i) => _frame.Slots[_node.Outputs[i]].Span;

    /// <summary>Shape of input <paramref name="i"/>.</summary>
    public Shape InputShape(int i) => _frame.Plan.Shapes[_node.Inputs[i]];

    /// <summary>Shape of output <paramref name="i"/>.</summary>
    public Shape OutputShape(int i) => _frame.Plan.Shapes[_node.Outputs[i]];

    /// <summary>The kernel's scratch memory for this run (<see cref="Kernel.ScratchBytes"/> long).</summary>
    public Span<byte> Scratch => _node.ScratchSlot < 0 ? [] : _frame.Slots[_node.ScratchSlot].Span;
}
