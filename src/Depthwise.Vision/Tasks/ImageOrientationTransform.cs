namespace Depthwise.Vision.Tasks;

/// <summary>
/// Converts images and per-pixel maps between an image's stored frame and its upright frame for one
/// <see cref="ImageOrientation"/>. Upright pixel (u, v) of a stored W × H image comes from stored pixel
/// <see cref="ToStored"/>(u, v); orientations 5..8 swap the width and height.
/// </summary>
public readonly struct ImageOrientationTransform
{
    /// <summary>The transform for a stored image of the given size and orientation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The orientation is not 1..8 or a size is not positive.</exception>
    public ImageOrientationTransform(int storedWidth, int storedHeight, ImageOrientation orientation)
    {
        if (orientation is < ImageOrientation.TopLeft or > ImageOrientation.LeftBottom)
            throw new ArgumentOutOfRangeException(nameof(orientation), orientation, "EXIF orientations are 1..8");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(storedWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(storedHeight);
        StoredWidth = storedWidth;
        StoredHeight = storedHeight;
        Orientation = orientation;
    }

    /// <summary>Stored width.</summary>
    public int StoredWidth { get; }

    /// <summary>Stored height.</summary>
    public int StoredHeight { get; }

    /// <summary>The orientation.</summary>
    public ImageOrientation Orientation { get; }

    /// <summary>Whether the upright frame swaps width and height (orientations 5..8).</summary>
    public bool SwapsAxes => Orientation >= ImageOrientation.LeftTop;

    /// <summary>Upright width.</summary>
    public int UprightWidth => SwapsAxes ? StoredHeight : StoredWidth;

    /// <summary>Upright height.</summary>
    public int UprightHeight => SwapsAxes ? StoredWidth : StoredHeight;

    /// <summary>The stored pixel shown at upright pixel (<paramref name="u"/>, <paramref name="v"/>).</summary>
    public (int X, int Y) ToStored(int u, int v)
    {
        int w = StoredWidth - 1, h = StoredHeight - 1;
        return Orientation switch
        {
            ImageOrientation.TopRight => (w - u, v),
            ImageOrientation.BottomRight => (w - u, h - v),
            ImageOrientation.BottomLeft => (u, h - v),
            ImageOrientation.LeftTop => (v, u),
            ImageOrientation.RightTop => (v, h - u),
            ImageOrientation.RightBottom => (w - v, h - u),
            ImageOrientation.LeftBottom => (w - v, u),
            _ => (u, v),
        };
    }

    /// <summary>The upright image of a stored image with this transform's size (a new image; the same one for TopLeft).</summary>
    public Image ToUpright(Image stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        CheckSize(stored.Width, stored.Height);
        if (Orientation == ImageOrientation.TopLeft) return stored;
        var upright = new Image(UprightWidth, UprightHeight, stored.Format);
        int c = stored.Channels;
        var src = stored.Pixels;
        var dst = upright.Pixels;
        for (int v = 0, o = 0; v < UprightHeight; v++)
        {
            for (int u = 0; u < UprightWidth; u++, o += c)
            {
                var (x, y) = ToStored(u, v);
                int at = (y * StoredWidth + x) * c;
                for (int k = 0; k < c; k++) dst[o + k] = src[at + k];
            }
        }
        return upright;
    }

    /// <summary>A per-pixel map of the upright frame (row-major, UprightWidth × UprightHeight) carried back to the stored frame.</summary>
    public T[] ToStoredMap<T>(ReadOnlySpan<T> upright)
    {
        if (upright.Length != UprightWidth * UprightHeight)
            throw new ArgumentException($"the map has {upright.Length} values, expected {UprightWidth}x{UprightHeight}", nameof(upright));
        var stored = new T[upright.Length];
        for (int v = 0, i = 0; v < UprightHeight; v++)
        {
            for (int u = 0; u < UprightWidth; u++, i++)
            {
                var (x, y) = ToStored(u, v);
                stored[y * StoredWidth + x] = upright[i];
            }
        }
        return stored;
    }

    private void CheckSize(int width, int height)
    {
        if (width != StoredWidth || height != StoredHeight)
            throw new ArgumentException($"the image is {width}x{height}, the transform was made for {StoredWidth}x{StoredHeight}");
    }
}
