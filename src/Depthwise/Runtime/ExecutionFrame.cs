namespace Depthwise.Runtime;

/// <summary>
/// The memory of one run in flight: the arena, and a view per slot. Frames are pooled per plan so concurrent
/// runs on one session each get their own; after warm-up a run takes a pooled frame and allocates nothing.
/// </summary>
public sealed class ExecutionFrame
{
    private readonly byte[] _arena;

    internal ExecutionFrame(ExecutionPlan plan)
    {
        Plan = plan;
        // Pinned and over-allocated so that every planned offset can be aligned to the planner's alignment.
        _arena = GC.AllocateUninitializedArray<byte>((int)plan.ArenaBytes + MemoryPlanner.Alignment, pinned: true);
        int baseOffset = AlignmentPadding(_arena);
        Slots = new Memory<byte>[plan.SlotCount];
        for (int s = 0; s < plan.SlotCount; s++)
        {
            var loc = plan.Locations[s];
            Slots[s] = loc.Kind switch
            {
                SlotKind.Arena => _arena.AsMemory(baseOffset + (int)loc.Offset, loc.Length),
                SlotKind.Constant => plan.Constants[loc.Index]!.Bytes,
                _ => Memory<byte>.Empty,
            };
        }
    }

    /// <summary>The plan this frame belongs to.</summary>
    public ExecutionPlan Plan { get; }

    /// <summary>The memory of every slot: arena views, constants, and (set per run) the caller's inputs and outputs.</summary>
    internal Memory<byte>[] Slots { get; }

    private static unsafe int AlignmentPadding(byte[] arena)
    {
        fixed (byte* p = arena)
        {
            long addr = (long)p;
            return (int)((MemoryPlanner.Alignment - addr % MemoryPlanner.Alignment) % MemoryPlanner.Alignment);
        }
    }
}

/// <summary>Where a slot's bytes live.</summary>
internal enum SlotKind : byte
{
    Arena,
    Constant,
    Input,
    Output,
}

/// <summary>Location of a slot: kind, arena offset or index into the constants/inputs/outputs, and length in bytes.</summary>
internal readonly record struct SlotLocation(SlotKind Kind, long Offset, int Index, int Length);
