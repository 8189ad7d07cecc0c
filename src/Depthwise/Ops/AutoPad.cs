namespace Depthwise.Ops;

/// <summary>ONNX <c>auto_pad</c>: how a sliding-window operator chooses its pads.</summary>
public enum AutoPad
{
    /// <summary>Explicit pads (the <c>pads</c> attribute, zeros by default).</summary>
    NotSet,
    /// <summary>Pad so the output size is ceil(input / stride); an odd total puts the extra pad at the end.</summary>
    SameUpper,
    /// <summary>Pad so the output size is ceil(input / stride); an odd total puts the extra pad at the beginning.</summary>
    SameLower,
    /// <summary>No padding.</summary>
    Valid,
}
