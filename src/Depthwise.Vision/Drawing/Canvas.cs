namespace Depthwise.Vision.Drawing;

/// <summary>
/// Draws on an <see cref="PixelFormat.Rgb24"/> image in place: rectangles and outlines, filled discs, text in the
/// built-in <see cref="BitmapFont"/>, and alpha-blended masks. Coordinates are pixels (x right, y down; pixel (i, j)
/// covers [i, i + 1) × [j, j + 1)); everything is clipped to the image.
/// </summary>
public sealed class Canvas
{
    /// <summary>Draws on <paramref name="image"/> itself, which must be Rgb24.</summary>
    /// <exception cref="ArgumentException">The image is not Rgb24.</exception>
    public Canvas(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Format != PixelFormat.Rgb24)
            throw new ArgumentException($"a canvas draws on Rgb24 images, not {image.Format}; use Canvas.CopyOf", nameof(image));
        Image = image;
    }

    /// <summary>A canvas on an Rgb24 copy of <paramref name="image"/> (gray expanded, alpha dropped); the original is not changed.</summary>
    public static Canvas CopyOf(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var copy = new Image(image.Width, image.Height, PixelFormat.Rgb24);
        var src = image.Pixels;
        var dst = copy.Pixels;
        int channels = image.Channels;
        for (int i = 0, o = 0; o < dst.Length; i += channels, o += 3)
        {
            if (channels == 1)
            {
                dst[o] = dst[o + 1] = dst[o + 2] = src[i];
            }
            else
            {
                dst[o] = src[i];
                dst[o + 1] = src[i + 1];
                dst[o + 2] = src[i + 2];
            }
        }
        return new Canvas(copy);
    }

    /// <summary>The image drawn on.</summary>
    public Image Image { get; }

    /// <summary>Width in pixels.</summary>
    public int Width => Image.Width;

    /// <summary>Height in pixels.</summary>
    public int Height => Image.Height;

    /// <summary>A line thickness that reads well on this image: 2 px up to 500 px on the short side, 3 px above.</summary>
    public int DefaultThickness => Math.Min(Width, Height) > 500 ? 3 : 2;

    /// <summary>A text scale that reads well on this image: 1 up to 400 px on the short side, then 2, then 3 above 1000.</summary>
    public int DefaultTextScale => Math.Min(Width, Height) switch { <= 400 => 1, <= 1000 => 2, _ => 3 };

    /// <summary>Blends pixel (x, y) towards <paramref name="color"/> by <paramref name="alpha"/> (1 = replace); outside the image nothing happens.</summary>
    public void BlendPixel(int x, int y, Rgb color, float alpha = 1f)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int at = (y * Width + x) * 3;
        var p = Image.Pixels;
        if (alpha >= 1f)
        {
            p[at] = color.R;
            p[at + 1] = color.G;
            p[at + 2] = color.B;
            return;
        }
        p[at] = Mix(p[at], color.R, alpha);
        p[at + 1] = Mix(p[at + 1], color.G, alpha);
        p[at + 2] = Mix(p[at + 2], color.B, alpha);
    }

    private static byte Mix(byte under, byte over, float alpha) => (byte)(under + (over - under) * alpha + 0.5f);

    /// <summary>Fills pixels x0 ≤ x &lt; x1, y0 ≤ y &lt; y1 (clipped), blending by <paramref name="alpha"/>.</summary>
    public void FillRectangle(int x0, int y0, int x1, int y1, Rgb color, float alpha = 1f)
    {
        x0 = Math.Max(x0, 0);
        y0 = Math.Max(y0, 0);
        x1 = Math.Min(x1, Width);
        y1 = Math.Min(y1, Height);
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                BlendPixel(x, y, color, alpha);
    }

    /// <summary>
    /// Outlines the box from (<paramref name="xMin"/>, <paramref name="yMin"/>) to (<paramref name="xMax"/>,
    /// <paramref name="yMax"/>) in pixel coordinates with lines <paramref name="thickness"/> pixels wide, drawn inside
    /// the part of the box that lies in the image (a box reaching past an edge is outlined along that edge, so every
    /// side stays visible; a box wholly outside draws nothing).
    /// </summary>
    public void DrawRectangle(float xMin, float yMin, float xMax, float yMax, Rgb color, int thickness)
    {
        if (!(float.IsFinite(xMin) && float.IsFinite(yMin) && float.IsFinite(xMax) && float.IsFinite(yMax))) return;
        int x0 = Math.Max(ToPixel(xMin), 0), y0 = Math.Max(ToPixel(yMin), 0), x1 = Math.Min(ToPixel(xMax), Width), y1 = Math.Min(ToPixel(yMax), Height);
        if (x1 <= x0 || y1 <= y0) return;
        int t = Math.Max(1, Math.Min(thickness, Math.Min(x1 - x0, y1 - y0)));
        FillRectangle(x0, y0, x1, y0 + t, color);
        FillRectangle(x0, y1 - t, x1, y1, color);
        FillRectangle(x0, y0 + t, x0 + t, y1 - t, color);
        FillRectangle(x1 - t, y0 + t, x1, y1 - t, color);
    }

    private static int ToPixel(float v) => (int)MathF.Round(Math.Clamp(v, -1e6f, 1e6f));

    /// <summary>Fills the disc of the given radius centred at (<paramref name="cx"/>, <paramref name="cy"/>) (pixel centres inside it are painted).</summary>
    public void FillCircle(float cx, float cy, float radius, Rgb color)
    {
        if (!(float.IsFinite(cx) && float.IsFinite(cy) && radius > 0)) return;
        int x0 = (int)MathF.Floor(cx - radius), x1 = (int)MathF.Ceiling(cx + radius);
        int y0 = (int)MathF.Floor(cy - radius), y1 = (int)MathF.Ceiling(cy + radius);
        float r2 = radius * radius;
        for (int y = Math.Max(y0, 0); y <= Math.Min(y1, Height - 1); y++)
        {
            float dy = y + 0.5f - cy;
            for (int x = Math.Max(x0, 0); x <= Math.Min(x1, Width - 1); x++)
            {
                float dx = x + 0.5f - cx;
                if (dx * dx + dy * dy <= r2) BlendPixel(x, y, color);
            }
        }
    }

    /// <summary>
    /// Paints <paramref name="source"/> scaled into the rectangle [x, x + width) × [y, y + height): each destination
    /// pixel is the mean of the source pixels it covers (a box filter, so a large photo becomes a clean thumbnail;
    /// when enlarging, the nearest source pixel). Gray is expanded to RGB, alpha is ignored; clipped to the canvas.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rectangle has no area.</exception>
    public void DrawImage(Image source, int x, int y, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        int channels = source.Channels;
        var src = source.Pixels;
        var dst = Image.Pixels;
        for (int j = Math.Max(0, -y); j < height && y + j < Height; j++)
        {
            int sy0 = (int)((long)j * source.Height / height), sy1 = Math.Max(sy0 + 1, (int)((long)(j + 1) * source.Height / height));
            for (int i = Math.Max(0, -x); i < width && x + i < Width; i++)
            {
                int sx0 = (int)((long)i * source.Width / width), sx1 = Math.Max(sx0 + 1, (int)((long)(i + 1) * source.Width / width));
                long r = 0, g = 0, b = 0;
                for (int sy = sy0; sy < sy1; sy++)
                {
                    int row = sy * source.Stride;
                    for (int sx = sx0; sx < sx1; sx++)
                    {
                        int o = row + sx * channels;
                        if (channels < 3)
                        {
                            r += src[o]; g += src[o]; b += src[o];
                        }
                        else
                        {
                            r += src[o]; g += src[o + 1]; b += src[o + 2];
                        }
                    }
                }
                long n = (long)(sy1 - sy0) * (sx1 - sx0);
                int d = ((y + j) * Width + x + i) * 3;
                dst[d] = (byte)((r + n / 2) / n);
                dst[d + 1] = (byte)((g + n / 2) / n);
                dst[d + 2] = (byte)((b + n / 2) / n);
            }
        }
    }

    /// <summary>Writes <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>), each font pixel <paramref name="scale"/> × <paramref name="scale"/> image pixels.</summary>
    public void DrawText(int x, int y, string text, Rgb color, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        for (int i = 0; i < text.Length; i++)
        {
            int left = x + i * BitmapFont.Advance * scale;
            if (left >= Width) break;
            for (int row = 0; row < BitmapFont.GlyphHeight; row++)
            {
                int bits = BitmapFont.GlyphRow(text[i], row);
                if (bits == 0) continue;
                for (int col = 0; col < BitmapFont.GlyphWidth; col++)
                {
                    if ((bits >> (BitmapFont.GlyphWidth - 1 - col) & 1) == 0) continue;
                    FillRectangle(left + col * scale, y + row * scale, left + (col + 1) * scale, y + (row + 1) * scale, color);
                }
            }
        }
    }

    /// <summary>
    /// A text tag: <paramref name="text"/> on a filled <paramref name="background"/> box, placed just above
    /// (<paramref name="x"/>, <paramref name="y"/>) — usually a box's top-left corner —, or just below it when there is
    /// no room above, and shifted left to stay inside the image. The text is black or white, whichever contrasts.
    /// </summary>
    public void DrawLabel(float x, float y, string text, Rgb background, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || !float.IsFinite(x) || !float.IsFinite(y)) return;
        int pad = scale;
        int w = BitmapFont.MeasureWidth(text, scale) + 2 * pad, h = BitmapFont.MeasureHeight(scale) + 2 * pad;
        int left = Math.Clamp(ToPixel(x), 0, Math.Max(0, Width - w));
        int top = ToPixel(y) - h;
        if (top < 0) top = Math.Clamp(ToPixel(y), 0, Math.Max(0, Height - h));
        FillRectangle(left, top, left + w, top + h, background);
        DrawText(left + pad, top + pad, text, background.Contrasting, scale);
    }

    /// <summary>
    /// Tints every pixel with the colour of its class in <paramref name="classMap"/> (one byte per pixel, the canvas's
    /// size, row-major), blending by <paramref name="alpha"/>; pixels of <paramref name="skipClass"/> (−1: none) stay as they are.
    /// </summary>
    public void BlendClassMap(ReadOnlySpan<byte> classMap, Func<int, Rgb> colorOf, float alpha, int skipClass = 0)
    {
        ArgumentNullException.ThrowIfNull(colorOf);
        if (classMap.Length != Width * Height)
            throw new ArgumentException($"the class map has {classMap.Length} values for a {Width}x{Height} canvas", nameof(classMap));
        Span<Rgb> colors = stackalloc Rgb[256];
        for (int c = 0; c < 256; c++) colors[c] = colorOf(c);
        for (int i = 0; i < classMap.Length; i++)
        {
            int c = classMap[i];
            if (c == skipClass) continue;
            BlendPixel(i % Width, i / Width, colors[c], alpha);
        }
    }

    /// <summary>
    /// Paints, at full strength, the pixels on the border of each class region of <paramref name="classMap"/> (a pixel
    /// whose right or lower neighbour has another class, and that neighbour), in the colour of the class on that side;
    /// <paramref name="skipClass"/> (−1: none) gets no border of its own.
    /// </summary>
    public void DrawClassBorders(ReadOnlySpan<byte> classMap, Func<int, Rgb> colorOf, int skipClass = 0)
    {
        ArgumentNullException.ThrowIfNull(colorOf);
        if (classMap.Length != Width * Height)
            throw new ArgumentException($"the class map has {classMap.Length} values for a {Width}x{Height} canvas", nameof(classMap));
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                int c = classMap[y * Width + x];
                int right = x + 1 < Width ? classMap[y * Width + x + 1] : c;
                int below = y + 1 < Height ? classMap[(y + 1) * Width + x] : c;
                if (right != c)
                {
                    if (c != skipClass) BlendPixel(x, y, colorOf(c));
                    if (right != skipClass) BlendPixel(x + 1, y, colorOf(right));
                }
                if (below != c)
                {
                    if (c != skipClass) BlendPixel(x, y, colorOf(c));
                    if (below != skipClass) BlendPixel(x, y + 1, colorOf(below));
                }
            }
        }
    }

    /// <summary>
    /// Tints every pixel towards <paramref name="color"/> in proportion to its weight in <paramref name="weights"/>
    /// (0..1 per pixel, the canvas's size) times <paramref name="alpha"/>: a confidence mask overlay.
    /// </summary>
    public void BlendWeights(ReadOnlySpan<float> weights, Rgb color, float alpha)
    {
        if (weights.Length != Width * Height)
            throw new ArgumentException($"the mask has {weights.Length} values for a {Width}x{Height} canvas", nameof(weights));
        for (int i = 0; i < weights.Length; i++)
        {
            float a = Math.Clamp(weights[i], 0f, 1f) * alpha;
            if (a > 0) BlendPixel(i % Width, i / Width, color, a);
        }
    }
}
