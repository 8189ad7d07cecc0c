namespace Depthwise.Ops;

/// <summary>LogSoftmax: y = x − log Σ exp(x) along the axis (or, for opset &lt; 13 models, along the flattened trailing dims).</summary>
public sealed class LogSoftmaxOp : SoftmaxFamilyOp
{
    /// <inheritdoc />
    public override string OpType => "LogSoftmax";

    /// <inheritdoc />
    protected override bool IsLog => true;
}
