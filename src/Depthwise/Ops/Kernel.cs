namespace Depthwise.Ops;

/// <summary>
/// Computes one node for fixed shapes. Created once per plan (weights packed then); <see cref="Run"/> reads and writes
/// pre-planned buffers and must not allocate. A kernel instance may run on several frames at once, so it keeps no
/// per-run state in fields: per-run temporaries go in <see cref="KernelContext.Scratch"/>.
/// </summary>
public abstract class Kernel
{
    /// <summary>Bytes of scratch memory the kernel needs during <see cref="Run"/>; planned in the arena.</summary>
    public virtual int ScratchBytes => 0;

    /// <summary>Computes the outputs from the inputs.</summary>
    public abstract void Run(in KernelContext ctx);
}
