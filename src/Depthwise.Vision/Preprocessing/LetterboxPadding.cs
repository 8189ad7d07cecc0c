namespace Depthwise.Vision.Preprocessing;

/// <summary>
/// The letterbox bands that keep-aspect-ratio sampling adds, as fractions of the tensor width (left, right) and height
/// (top, bottom): MediaPipe's <c>LETTERBOX_PADDING</c> output. All zero when nothing was padded.
/// </summary>
/// <param name="Left">Fraction of the tensor width padded on the left.</param>
/// <param name="Top">Fraction of the tensor height padded at the top.</param>
/// <param name="Right">Fraction of the tensor width padded on the right.</param>
/// <param name="Bottom">Fraction of the tensor height padded at the bottom.</param>
public readonly record struct LetterboxPadding(float Left, float Top, float Right, float Bottom)
{
    /// <summary>True when no side is padded.</summary>
    public bool IsEmpty => Left == 0 && Top == 0 && Right == 0 && Bottom == 0;
}
