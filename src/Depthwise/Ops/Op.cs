namespace Depthwise.Ops;

/// <summary>
/// An operator with its attributes parsed once into typed properties. Knows three things: how to compute its
/// output types and shapes from concrete inputs (<see cref="InferOutputs"/>), how to create a kernel for those
/// shapes (<see cref="CreateKernel"/>, which may pack weights), and its cost (<see cref="CountMacs"/>).
/// Each concrete operator lives in its own file in this folder and carries its scalar reference semantics.
/// </summary>
public abstract class Op
{
    /// <summary>Operator name in ONNX spelling, e.g. <c>Conv</c>.</summary>
    public abstract string OpType { get; }

    /// <summary>
    /// Sets every output's type and shape (or constant value) from the inputs' types, shapes and, where present,
    /// constant values. Throws <see cref="ShapeMismatchException"/> (via <see cref="OpContext.Error"/>) on conflicts.
    /// </summary>
    public abstract void InferOutputs(OpContext ctx);

    /// <summary>Creates the kernel that computes this operator for the shapes in <paramref name="ctx"/>.</summary>
    public abstract Kernel CreateKernel(OpContext ctx);

    /// <summary>
    /// True when input <paramref name="index"/> must be known when the plan is compiled (a shape, axes or pads tensor).
    /// The compiler folds it to a constant, or specializes the plan on the value of the graph input it comes from.
    /// </summary>
    public virtual bool RequiresConstantInput(int index) => false;

    /// <summary>Multiply-accumulate count for the shapes in <paramref name="ctx"/> (0 for ops that do no MACs).</summary>
    public virtual long CountMacs(OpContext ctx) => 0;

    /// <summary>False for operators whose outputs must not be precomputed even when all inputs are constant.</summary>
    public virtual bool IsFoldable => true;

    /// <inheritdoc />
    public override string ToString() => OpType;
}
