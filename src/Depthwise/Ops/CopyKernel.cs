namespace Depthwise.Ops;

/// <summary>Copies input 0's bytes to output 0: the kernel of every op that only relabels a shape (Reshape, Squeeze, Identity...).</summary>
public sealed class CopyKernel : Kernel
{
    /// <summary>The shared instance (the kernel has no state).</summary>
    public static CopyKernel Instance { get; } = new();

    private CopyKernel() { }

    /// <inheritdoc />
    public override void Run(in KernelContext ctx) => ctx.InputBytes(0).CopyTo(ctx.OutputBytes(0));
}
