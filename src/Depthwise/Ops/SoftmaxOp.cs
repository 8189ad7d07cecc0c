namespace Depthwise.Ops;

/// <summary>Softmax: y = exp(x) / Σ exp(x) along the axis (or, for opset &lt; 13 models, along the flattened trailing dims).</summary>
public sealed class SoftmaxOp : SoftmaxFamilyOp
{
    /// <inheritdoc />
    public override string OpType => "Softmax";

    /// <inheritdoc />
    protected override bool IsLog => false;
}
