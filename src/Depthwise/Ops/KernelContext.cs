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

    /// <summary>Threads a parallel region of this plan may use (1 when the session runs single-threaded).</summary>
    public int Threads => _frame.Plan.Pool?.Threads ?? 1;

    /// <summary>
    /// Runs <c>work.Execute(i, worker)</c> for every i in [0, <paramref name="count"/>) on the plan's threads and returns
    /// when all are done (inline when single-threaded). Choose <paramref name="count"/> from the problem size only.
    /// </summary>
    public void Parallel<TWork>(ref TWork work, int count) where TWork : struct, IParallelWork
    {
        if (_frame.Plan.Pool is { } pool) pool.Run(ref work, count);
        else for (int i = 0; i < count; i++) work.Execute(i, 0);
    }

    /// <summary>Memory of input <paramref name="i"/> (for work items that run on other threads, where spans cannot go).</summary>
    public ReadOnlyMemory<byte> InputMemory(int i) => _frame.Slots[_node.Inputs[i]];

    /// <summary>Memory of output <paramref name="i"/> (for work items that run on other threads).</summary>
    public Memory<byte> OutputMemory(int i) => _frame.Slots[_node.Outputs[i]];

    /// <summary>The scratch memory (for work items that run on other threads).</summary>
    public Memory<byte> ScratchMemory => _node.ScratchSlot < 0 ? Memory<byte>.Empty : _frame.Slots[_node.ScratchSlot];

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
