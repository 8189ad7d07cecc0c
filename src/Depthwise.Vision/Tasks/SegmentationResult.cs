namespace Depthwise.Vision.Tasks;

/// <summary>
/// The result of <see cref="ImageSegmenter"/>: a class index per pixel, and for one-channel (foreground/background)
/// models the foreground confidence per pixel. Masks are row-major, <see cref="Width"/> × <see cref="Height"/>, in the
/// frame of the image as given (see <see cref="ImageSegmenter.Segment(Image, ImageOrientation)"/>).
/// </summary>
public sealed class SegmentationResult
{
    /// <summary>Creates a result.</summary>
    /// <exception cref="ArgumentException">A mask's length is not width × height.</exception>
    public SegmentationResult(int width, int height, byte[] categoryMask, float[]? confidenceMask, IReadOnlyList<string> labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(categoryMask);
        ArgumentNullException.ThrowIfNull(labels);
        if (categoryMask.Length != width * height) throw new ArgumentException($"category mask has {categoryMask.Length} values for {width}x{height}");
        if (confidenceMask is not null && confidenceMask.Length != width * height)
            throw new ArgumentException($"confidence mask has {confidenceMask.Length} values for {width}x{height}");
        Width = width;
        Height = height;
        CategoryMask = categoryMask;
        ConfidenceMask = confidenceMask;
        Labels = labels;
        ClassCount = classCount;
    }

    /// <summary>Mask width.</summary>
    public int Width { get; }

    /// <summary>Mask height.</summary>
    public int Height { get; }

    /// <summary>The class index of every pixel.</summary>
    public byte[] CategoryMask { get; }

    /// <summary>One-channel models: the foreground confidence (0..1) of every pixel; null for multi-class models.</summary>
    public float[]? ConfidenceMask { get; }

    /// <summary>Class names by index (empty when the model has none).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The number of classes the model distinguishes (2 for one-channel models: background, foreground).</summary>
    public int ClassCount { get; }

    /// <summary>The name of class <paramref name="index"/>, or null.</summary>
    public string? LabelOf(int index) => index >= 0 && index < Labels.Count ? Labels[index] : null;

    /// <summary>How many pixels each class index has (length 256).</summary>
    public long[] CountPixels()
    {
        var counts = new long[256];
        foreach (byte c in CategoryMask) counts[c]++;
        return counts;
    }

    /// <summary>The category mask as an 8-bit gray image whose pixel value is the class index.</summary>
    public Image ToCategoryImage() => new(Width, Height, PixelFormat.Gray8, (byte[])CategoryMask.Clone());

    /// <summary>The confidence mask as an 8-bit gray image (0..255 = confidence 0..1), or null for multi-class models.</summary>
    public Image? ToConfidenceImage()
    {
        if (ConfidenceMask is null) return null;
        var pixels = new byte[ConfidenceMask.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)MathF.Round(Math.Clamp(ConfidenceMask[i], 0f, 1f) * 255f);
        return new Image(Width, Height, PixelFormat.Gray8, pixels);
    }
}
