using Depthwise.Kernels;
using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>The activation functions a <see cref="ConvOp"/> can apply to its output (fused by the activation pass).</summary>
public enum ConvActivationKind
{
    /// <summary>No activation: the convolution's (plus residual's) value.</summary>
    None,
    /// <summary>max(x, 0), as <see cref="ReluOp"/>.</summary>
    Relu,
    /// <summary>min(max(x, Min), Max), as <see cref="ClipOp"/> with constant bounds (ReLU6 is Clip(0, 6)).</summary>
    Clip,
    /// <summary>x · max(0, min(1, x/6 + 1/2)), as <see cref="HardSwishOp"/>.</summary>
    HardSwish,
    /// <summary>1 / (1 + exp(−x)), as <see cref="SigmoidOp"/>.</summary>
    Sigmoid,
    /// <summary>x · sigmoid(x) (SiLU, Swish), as Mul(x, Sigmoid(x)).</summary>
    SiLU,
}

/// <summary>
/// The activation a Conv applies after adding its bias (and its residual input, when it has one). Each kind computes
/// exactly what the standalone operator computes, element by element, so fusing changes no bits.
/// </summary>
/// <param name="Kind">Which function.</param>
/// <param name="Min">Lower bound for <see cref="ConvActivationKind.Clip"/> (−∞ when ONNX's min was omitted).</param>
/// <param name="Max">Upper bound for <see cref="ConvActivationKind.Clip"/> (+∞ when ONNX's max was omitted).</param>
public readonly record struct ConvActivation(ConvActivationKind Kind, float Min, float Max)
{
    /// <summary>No activation.</summary>
    public static ConvActivation None => default;

    /// <summary>max(x, 0).</summary>
    public static ConvActivation Relu => new(ConvActivationKind.Relu, 0, float.PositiveInfinity);

    /// <summary>min(max(x, min), max); ReLU6 is Clip(0, 6).</summary>
    public static ConvActivation Clip(float min, float max) => new(ConvActivationKind.Clip, min, max);

    /// <summary>x · HardSigmoid(x; 1/6, 1/2).</summary>
    public static ConvActivation HardSwish => new(ConvActivationKind.HardSwish, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>1 / (1 + exp(−x)).</summary>
    public static ConvActivation Sigmoid => new(ConvActivationKind.Sigmoid, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>x · sigmoid(x).</summary>
    public static ConvActivation SiLU => new(ConvActivationKind.SiLU, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>True for <see cref="ConvActivationKind.None"/>.</summary>
    public bool IsNone => Kind == ConvActivationKind.None;

    /// <summary>
    /// True when the activation is a clamp to [<see cref="Bounds"/>] (None, Relu, Clip): what a GEMM "minmax" epilogue does.
    /// </summary>
    public bool IsMinMax => Kind is ConvActivationKind.None or ConvActivationKind.Relu or ConvActivationKind.Clip;

    /// <summary>The clamp bounds of a min-max activation ((−∞, +∞) for None, (0, +∞) for Relu).</summary>
    public (float Min, float Max) Bounds => Kind switch
    {
        ConvActivationKind.Relu => (0, float.PositiveInfinity),
        ConvActivationKind.Clip => (Min, Max),
        _ => (float.NegativeInfinity, float.PositiveInfinity),
    };

    /// <summary>
    /// Splits this activation into what a fast kernel fuses (<see cref="FusedEpilogue"/>: clamp or HardSwish) and what
    /// must run after it over the same outputs (Sigmoid and SiLU, or a Clip with min &gt; max, which ONNX defines and the
    /// epilogue does not); one of the two is always the identity.
    /// </summary>
    public (FusedEpilogue Epilogue, ConvActivation After) ToFused() => Kind switch
    {
        ConvActivationKind.None => (FusedEpilogue.Linear, None),
        ConvActivationKind.Relu => (FusedEpilogue.Relu, None),
        ConvActivationKind.Clip when Min <= Max => (FusedEpilogue.Clamp(Min, Max), None),
        ConvActivationKind.HardSwish => (FusedEpilogue.HardSwish, None),
        _ => (FusedEpilogue.Linear, this),
    };

    /// <summary>The activation of one value (scalar reference; kernels use <see cref="Apply"/>).</summary>
    public float Invoke(float x) => Kind switch
    {
        ConvActivationKind.Relu => new ReluOperator<float>().Invoke(x),
        ConvActivationKind.Clip => new ClipOperator<float>(Min, Max).Invoke(x),
        ConvActivationKind.HardSwish => new HardSwishOperator().Invoke(x),
        ConvActivationKind.Sigmoid => new SigmoidOperator().Invoke(x),
        ConvActivationKind.SiLU => new SiLUOperator().Invoke(x),
        _ => x,
    };

    /// <summary>
    /// y[i·stride] = activation(y[i·stride] + residual[i·stride]) for i &lt; count (no residual when it is empty):
    /// the epilogue of a convolution's output row or block, with the function chosen once per call.
    /// </summary>
    public void Apply(Span<float> y, int stride, int count, ReadOnlySpan<float> residual)
    {
        switch (Kind)
        {
            case ConvActivationKind.None:
                if (!residual.IsEmpty) Run(new IdentityOperator(), y, stride, count, residual);
                break;
            case ConvActivationKind.Relu: Run(new ReluOperator<float>(), y, stride, count, residual); break;
            case ConvActivationKind.Clip: Run(new ClipOperator<float>(Min, Max), y, stride, count, residual); break;
            case ConvActivationKind.HardSwish: Run(new HardSwishOperator(), y, stride, count, residual); break;
            case ConvActivationKind.Sigmoid: Run(new SigmoidOperator(), y, stride, count, residual); break;
            default: Run(new SiLUOperator(), y, stride, count, residual); break;
        }
    }

    private static void Run<TOp>(TOp op, Span<float> y, int stride, int count, ReadOnlySpan<float> residual)
        where TOp : struct, IUnaryOperator<float, float>
    {
        if (count <= 0) return;
        int last = (count - 1) * stride;
        y = y[..(last + 1)];
        if (residual.IsEmpty)
        {
            for (int i = 0; i <= last; i += stride) y[i] = op.Invoke(y[i]);
        }
        else
        {
            residual = residual[..(last + 1)];
            for (int i = 0; i <= last; i += stride) y[i] = op.Invoke(y[i] + residual[i]);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ConvActivationKind.Clip => FormattableString.Invariant($"Clip({Min}, {Max})"),
        _ => Kind.ToString(),
    };

    private readonly struct IdentityOperator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => x;
    }

    private readonly struct SiLUOperator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => x * new SigmoidOperator().Invoke(x);
    }
}
