using Depthwise.Vision.Drawing;
using Depthwise.Vision.Postprocessing;
using Depthwise.Vision.Tasks;

namespace Depthwise.Vision.Tests.Drawing;

/// <summary>Canvas primitives, the bitmap font, the palettes and the annotators.</summary>
public class CanvasTests
{
    private static Canvas Blank(int w, int h) => new(new Image(w, h, PixelFormat.Rgb24));

    private static Rgb At(Canvas c, int x, int y)
    {
        int i = (y * c.Width + x) * 3;
        return new Rgb(c.Image.Pixels[i], c.Image.Pixels[i + 1], c.Image.Pixels[i + 2]);
    }

    private static int CountColored(Canvas c)
    {
        int n = 0;
        for (int y = 0; y < c.Height; y++)
            for (int x = 0; x < c.Width; x++)
                if (At(c, x, y) != Rgb.Black) n++;
        return n;
    }

    [Fact]
    public void RectanglesAreDrawnInsideTheBoxAndClipped()
    {
        var c = Blank(20, 10);
        var red = new Rgb(255, 0, 0);
        c.DrawRectangle(2, 2, 12, 8, red, 2);
        // Outline of a 10 × 6 box, 2 px thick: 60 − 6 × 2 inner pixels.
        Assert.Equal(60 - 12, CountColored(c));
        Assert.Equal(red, At(c, 2, 2));
        Assert.Equal(red, At(c, 11, 7));
        Assert.Equal(Rgb.Black, At(c, 12, 8));
        Assert.Equal(Rgb.Black, At(c, 5, 5));
        // NaN boxes and boxes wholly outside draw nothing; a box reaching past the edges is outlined along them.
        c.DrawRectangle(float.NaN, 0, 5, 5, red, 3);
        c.DrawRectangle(30, 0, 40, 5, red, 3);
        Assert.Equal(60 - 12, CountColored(c));
        var blue = new Rgb(0, 0, 255);
        c.DrawRectangle(-5, -5, 100, 100, blue, 1);
        Assert.Equal(blue, At(c, 0, 0));
        Assert.Equal(blue, At(c, 19, 9));
        Assert.Equal(blue, At(c, 19, 0));
        Assert.Equal(red, At(c, 5, 2)); // inside: untouched
    }

    [Fact]
    public void DiscsBlendsAndMasks()
    {
        var c = Blank(11, 11);
        c.FillCircle(5.5f, 5.5f, 2f, Rgb.White);
        Assert.Equal(Rgb.White, At(c, 5, 5));
        Assert.Equal(Rgb.Black, At(c, 5, 8));
        Assert.InRange(CountColored(c), 9, 16);
        c.BlendPixel(0, 0, new Rgb(200, 100, 0), 0.5f);
        Assert.Equal(new Rgb(100, 50, 0), At(c, 0, 0));
        c.BlendPixel(-1, 99, Rgb.White); // outside: ignored

        var m = Blank(2, 2);
        m.BlendClassMap([0, 1, 2, 0], Palette.Segmentation, 1f);
        Assert.Equal(Rgb.Black, At(m, 0, 0));
        Assert.Equal(Palette.Segmentation(1), At(m, 1, 0));
        Assert.Equal(Palette.Segmentation(2), At(m, 0, 1));
        m.BlendWeights([0f, 0f, 0f, 1f], Rgb.White, 0.5f);
        Assert.Equal(new Rgb(128, 128, 128), At(m, 1, 1));
        Assert.Throws<ArgumentException>(() => m.BlendClassMap([0, 1], Palette.Segmentation, 1f));
    }

    [Fact]
    public void TextFollowsTheGlyphBits()
    {
        var c = Blank(12, 8);
        c.DrawText(0, 0, "T1", Rgb.White);
        // 'T': full top row, then the middle column.
        for (int x = 0; x < 5; x++) Assert.Equal(Rgb.White, At(c, x, 0));
        Assert.Equal(Rgb.White, At(c, 2, 6));
        Assert.Equal(Rgb.Black, At(c, 0, 6));
        Assert.Equal(Rgb.Black, At(c, 5, 0)); // spacing column
        Assert.Equal(BitmapFont.IsSet('1', 2, 0), At(c, 8, 0) == Rgb.White);
        var big = Blank(10, 16);
        big.DrawText(0, 0, "T", Rgb.White, scale: 2);
        Assert.Equal(Rgb.White, At(big, 9, 1));
        Assert.Equal(11, BitmapFont.MeasureWidth("ab", 1));
        Assert.Equal(22, BitmapFont.MeasureWidth("ab", 2));
    }

    [Fact]
    public void TheFontHasDistinctGlyphsAndDescendersOnlyWhereExpected()
    {
        var seen = new HashSet<string>();
        for (char ch = ' '; ch <= '~'; ch++)
        {
            var rows = Enumerable.Range(0, BitmapFont.GlyphHeight).Select(r => BitmapFont.GlyphRow(ch, r)).ToArray();
            Assert.All(rows, r => Assert.InRange(r, 0, 31));
            Assert.True(seen.Add(string.Join(",", rows)), $"glyph of '{ch}' repeats another");
            bool descends = rows[7] != 0;
            Assert.Equal("gjpqy,_".Contains(ch, StringComparison.Ordinal), descends);
        }
        Assert.Equal(BitmapFont.GlyphRow('?', 3), BitmapFont.GlyphRow('é', 3));
    }

    [Fact]
    public void LabelsSitAboveThePointOrBelowAtTheTopEdge()
    {
        var c = Blank(100, 40);
        c.DrawLabel(10, 30, "ab", Palette.Distinct(0));
        Assert.Equal(Palette.Distinct(0), At(c, 10, 29)); // the tag's background just above y = 30
        Assert.Equal(Rgb.Black, At(c, 10, 31));
        var top = Blank(100, 40);
        top.DrawLabel(95, 0, "abc", Palette.Distinct(1));
        Assert.Equal(Palette.Distinct(1), At(top, 99, 0)); // shifted left to fit, below the point
    }

    [Fact]
    public void PalettesMatchPascalVocAndDifferPerIndex()
    {
        Assert.Equal(new Rgb(0, 0, 0), Palette.Segmentation(0));
        Assert.Equal(new Rgb(128, 0, 0), Palette.Segmentation(1));
        Assert.Equal(new Rgb(0, 128, 0), Palette.Segmentation(2));
        Assert.Equal(new Rgb(64, 0, 128), Palette.Segmentation(12)); // dog
        Assert.Equal(new Rgb(192, 128, 128), Palette.Segmentation(15)); // person
        var distinct = Enumerable.Range(0, 20).Select(Palette.Distinct).ToList();
        Assert.Equal(20, distinct.Distinct().Count());
        Assert.Equal(Rgb.Black, new Rgb(255, 255, 0).Contrasting);
        Assert.Equal(Rgb.White, new Rgb(0, 0, 128).Contrasting);
    }

    [Fact]
    public void AnnotatorsDrawOnACopy()
    {
        var image = new Image(64, 48, PixelFormat.Gray8);
        Array.Fill(image.Pixels, (byte)90);
        var faces = Annotator.DrawFaces(image, [new DetectedFace(0.9f, new BoundingBox(10, 10, 30, 20), [new Keypoint(20, 20)])]);
        Assert.Equal((64, 48, PixelFormat.Rgb24), (faces.Width, faces.Height, faces.Format));
        Assert.All(image.Pixels, p => Assert.Equal(90, p));
        Assert.Contains(faces.Pixels, p => p != 90);
        var objects = Annotator.DrawDetections(image, [new DetectedObject(3, "cat", 0.5f, new BoundingBox(0, 0, 64, 48), [])]);
        Assert.Equal(Palette.Distinct(3).R, objects.Pixels[(47 * 64 + 63) * 3]); // the box's bottom-right corner
        var mask = new byte[64 * 48];
        mask[0] = 1;
        var overlay = Annotator.DrawSegmentation(image, new SegmentationResult(64, 48, mask, null, ["background", "aeroplane"], 2));
        Assert.Equal(PixelFormat.Rgb24, overlay.Format);
        Assert.Throws<ArgumentException>(() => Annotator.DrawSegmentation(image, new SegmentationResult(2, 1, [0, 0], null, [], 1)));
        var classes = Annotator.DrawClassifications(image, [new Classification(1, "x", 1f)]);
        Assert.Contains(classes.Pixels, p => p != 90);
    }

    [Fact]
    public void DrawImageAveragesTheSourcePixelsEachTargetPixelCovers()
    {
        var source = new Image(4, 2, PixelFormat.Gray8, [0, 10, 20, 30, 40, 50, 60, 72]);
        var canvas = new Canvas(new Image(3, 2, PixelFormat.Rgb24));
        canvas.DrawImage(source, 1, 1, 2, 1); // 4x2 -> 2x1 at (1, 1): means of 2x2 blocks, halves rounded up (182 / 4 -> 46)
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25, 25, 25, 46, 46, 46 }, canvas.Image.Pixels);
        var rgb = new Image(1, 1, PixelFormat.Rgba32, [1, 2, 3, 200]);
        canvas.DrawImage(rgb, -1, 0, 3, 1); // enlarging repeats the pixel; clipped on the left
        Assert.Equal(new byte[] { 1, 2, 3, 1, 2, 3, 0, 0, 0 }, canvas.Image.Pixels[..9]);
        Assert.Throws<ArgumentOutOfRangeException>(() => canvas.DrawImage(rgb, 0, 0, 0, 1));
    }

    [Fact]
    public void SimilarityPictureHasAThumbnailRowAndColumnAndShadedCells()
    {
        var white = new Image(8, 4, PixelFormat.Gray8);
        Array.Fill(white.Pixels, (byte)255);
        var picture = Annotator.DrawSimilarity([white, white], new float[,] { { 1, 0 }, { 0, 1 } }, cellSize: 32);
        Assert.Equal((96, 96), (picture.Width, picture.Height));
        int Pixel(int x, int y) => picture.Pixels[(y * 96 + x) * 3 + 1];
        Assert.Equal(220, Pixel(36, 36));  // diagonal cell, away from its text: full green
        Assert.Equal(255, Pixel(68, 36));  // similarity 0: white
        Assert.Throws<ArgumentException>(() => Annotator.DrawSimilarity([white], new float[2, 2]));
        Assert.Throws<ArgumentException>(() => Annotator.DrawSimilarity([], new float[0, 0]));
    }
}
