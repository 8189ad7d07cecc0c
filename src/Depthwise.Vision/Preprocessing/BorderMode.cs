namespace Depthwise.Vision.Preprocessing;

/// <summary>What a sample outside the image reads (MediaPipe's <c>ImageToTensorCalculatorOptions.BorderMode</c>).</summary>
public enum BorderMode
{
    /// <summary>The nearest edge pixel (OpenCV <c>BORDER_REPLICATE</c>); MediaPipe's default.</summary>
    Replicate,

    /// <summary>Zero, i.e. black before normalization (OpenCV <c>BORDER_CONSTANT</c> with 0).</summary>
    Zero,
}
