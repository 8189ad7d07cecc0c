namespace Depthwise.Vision.Drawing;

/// <summary>Colours for classes: well-separated saturated colours for boxes, and the PASCAL VOC colour map for masks.</summary>
public static class Palette
{
    /// <summary>
    /// A bright colour for class or item <paramref name="index"/>: hues a golden-ratio turn apart, so neighbouring
    /// indices differ strongly and colours repeat only after many indices.
    /// </summary>
    public static Rgb Distinct(int index)
    {
        const float goldenTurn = 0.618034f;
        float hue = 0.12f + goldenTurn * Math.Abs(index);
        // Alternate two value levels so that classes whose hues come close still differ in brightness.
        return Rgb.FromHsv(hue, 0.85f, (index & 1) == 0 ? 1f : 0.82f);
    }

    /// <summary>
    /// The PASCAL VOC segmentation colour of class <paramref name="classIndex"/> (0 background black, 1 dark red,
    /// 2 dark green, 15 person pink...): the bits of the index spread over the high bits of R, G and B, three at a time.
    /// </summary>
    public static Rgb Segmentation(int classIndex)
    {
        int c = Math.Abs(classIndex);
        int r = 0, g = 0, b = 0;
        for (int bit = 7; bit >= 0 && c != 0; bit--, c >>= 3)
        {
            r |= (c & 1) << bit;
            g |= (c >> 1 & 1) << bit;
            b |= (c >> 2 & 1) << bit;
        }
        return new((byte)r, (byte)g, (byte)b);
    }
}
