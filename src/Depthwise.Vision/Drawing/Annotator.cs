using System.Globalization;
using Depthwise.Vision.Tasks;

namespace Depthwise.Vision.Drawing;

/// <summary>
/// Draws task results onto a copy of the image they came from (the original is not changed): boxes with a label tag
/// ("cat 0.64") in a colour per class, face keypoints as small discs, segmentation classes as a translucent overlay
/// with a legend, classifications as tags in the top-left corner. Sizes follow the image (see
/// <see cref="Canvas.DefaultThickness"/> and <see cref="Canvas.DefaultTextScale"/>).
/// </summary>
public static class Annotator
{
    /// <summary>The image with each face's box, score and six keypoints.</summary>
    public static Image DrawFaces(Image image, IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var canvas = Canvas.CopyOf(image);
        for (int i = 0; i < faces.Count; i++)
        {
            var face = faces[i];
            var color = Palette.Distinct(i);
            var b = face.Box;
            canvas.DrawRectangle(b.XMin, b.YMin, b.XMax, b.YMax, color, canvas.DefaultThickness);
            float radius = Math.Clamp(Math.Min(b.Width, b.Height) / 40f, 2f, 8f);
            foreach (var k in face.Keypoints)
            {
                canvas.FillCircle(k.X, k.Y, radius + 1, Rgb.Black);
                canvas.FillCircle(k.X, k.Y, radius, color);
            }
            canvas.DrawLabel(b.XMin, b.YMin, $"face {Score(face.Score)}", color, canvas.DefaultTextScale);
        }
        return canvas.Image;
    }

    /// <summary>The image with each object's box and a "label score" tag, coloured by class.</summary>
    public static Image DrawDetections(Image image, IReadOnlyList<DetectedObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var canvas = Canvas.CopyOf(image);
        // Lowest score first, so the best boxes and tags end up on top.
        for (int i = objects.Count - 1; i >= 0; i--)
        {
            var o = objects[i];
            var color = Palette.Distinct(o.Index);
            var b = o.Box;
            canvas.DrawRectangle(b.XMin, b.YMin, b.XMax, b.YMax, color, canvas.DefaultThickness);
            float radius = Math.Clamp(Math.Min(b.Width, b.Height) / 40f, 2f, 8f);
            foreach (var k in o.Keypoints) canvas.FillCircle(k.X, k.Y, radius, color);
            string name = o.Label is { Length: > 0 } label ? label : "#" + o.Index.ToString(CultureInfo.InvariantCulture);
            canvas.DrawLabel(b.XMin, b.YMin, $"{name} {Score(o.Score)}", color, canvas.DefaultTextScale);
        }
        return canvas.Image;
    }

    /// <summary>
    /// The image with the segmentation blended over it (<paramref name="alpha"/> of the class colour, region borders at
    /// full strength; class 0, the background, left clear), and a legend of the classes present. Classes take the
    /// bright <see cref="Palette.Distinct"/> colours (PASCAL VOC's are too pale on skin and sky); one-channel models
    /// tint by confidence. The result must have the image's size.
    /// </summary>
    public static Image DrawSegmentation(Image image, SegmentationResult result, float alpha = 0.55f)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Width != image.Width || result.Height != image.Height)
            throw new ArgumentException($"the masks are {result.Width}x{result.Height}, the image {image.Width}x{image.Height}");
        var canvas = Canvas.CopyOf(image);
        var counts = result.CountPixels();
        if (result.ConfidenceMask is { } confidence)
            canvas.BlendWeights(confidence, ForegroundColor, alpha);
        else
            canvas.BlendClassMap(result.CategoryMask, Palette.Distinct, alpha);
        canvas.DrawClassBorders(result.CategoryMask, c => result.ConfidenceMask is null ? Palette.Distinct(c) : ForegroundColor);
        int scale = canvas.DefaultTextScale, y = 2 * scale, lineHeight = BitmapFont.MeasureHeight(scale) + 3 * scale;
        for (int c = 1; c < counts.Length; c++)
        {
            if (counts[c] == 0) continue;
            string name = result.LabelOf(c) is { Length: > 0 } label ? label : "#" + c.ToString(CultureInfo.InvariantCulture);
            double share = 100.0 * counts[c] / result.CategoryMask.Length;
            var color = result.ConfidenceMask is null ? Palette.Distinct(c) : ForegroundColor;
            canvas.DrawLabel(2 * scale, y + lineHeight, $"{name} {share.ToString("F1", CultureInfo.InvariantCulture)}%", color, scale);
            y += lineHeight;
        }
        return canvas.Image;
    }

    /// <summary>The colour of foreground in one-channel (confidence) masks.</summary>
    public static Rgb ForegroundColor => new(40, 220, 90);

    /// <summary>The image with one "label score" tag per class in the top-left corner, best first.</summary>
    public static Image DrawClassifications(Image image, IReadOnlyList<Classification> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var canvas = Canvas.CopyOf(image);
        int scale = canvas.DefaultTextScale, y = 2 * scale, lineHeight = BitmapFont.MeasureHeight(scale) + 3 * scale;
        for (int i = 0; i < classes.Count; i++)
        {
            var c = classes[i];
            string name = c.Label is { Length: > 0 } label ? label : "#" + c.Index.ToString(CultureInfo.InvariantCulture);
            canvas.DrawLabel(2 * scale, y + lineHeight, $"{name} {Score(c.Score)}", Palette.Distinct(i), scale);
            y += lineHeight;
        }
        return canvas.Image;
    }

    /// <summary>
    /// A similarity table as a picture: the images as thumbnails along the top and down the left side, and in cell
    /// (row a, column b) the cosine similarity of images a and b, shaded from white (≤ 0) to green (1).
    /// </summary>
    /// <param name="images">The images (any size; each is letterboxed into a square cell).</param>
    /// <param name="similarity">An n × n matrix for the n images, e.g. <see cref="Embedding.CosineSimilarity"/> of each pair.</param>
    /// <param name="cellSize">The side of a cell in pixels (32 to 1024).</param>
    /// <exception cref="ArgumentException">No images, or the matrix is not n × n.</exception>
    public static Image DrawSimilarity(IReadOnlyList<Image> images, float[,] similarity, int cellSize = 160)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(similarity);
        ArgumentOutOfRangeException.ThrowIfLessThan(cellSize, 32);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cellSize, 1024);
        int n = images.Count;
        if (n == 0) throw new ArgumentException("a similarity picture needs at least one image", nameof(images));
        if (similarity.GetLength(0) != n || similarity.GetLength(1) != n)
            throw new ArgumentException($"the similarity matrix is {similarity.GetLength(0)}x{similarity.GetLength(1)}, expected {n}x{n} for {n} images", nameof(similarity));
        if ((long)(n + 1) * cellSize > 16384)
            throw new ArgumentException($"{n} images make a picture wider than 16384 px; use a smaller cell size or fewer images", nameof(images));
        int side = (n + 1) * cellSize, gap = Math.Max(2, cellSize / 32);
        var canvas = new Canvas(new Image(side, side, PixelFormat.Rgb24));
        canvas.FillRectangle(0, 0, side, side, new Rgb(255, 255, 255));
        for (int k = 0; k < n; k++)
        {
            var image = images[k];
            ArgumentNullException.ThrowIfNull(image, nameof(images));
            float fit = (cellSize - 2f * gap) / Math.Max(image.Width, image.Height);
            int w = Math.Max(1, (int)MathF.Round(image.Width * fit)), h = Math.Max(1, (int)MathF.Round(image.Height * fit));
            int offset = (k + 1) * cellSize;
            canvas.DrawImage(image, offset + (cellSize - w) / 2, (cellSize - h) / 2, w, h);
            canvas.DrawImage(image, (cellSize - w) / 2, offset + (cellSize - h) / 2, w, h);
        }
        int scale = Math.Max(1, cellSize / 64);
        for (int a = 0; a < n; a++)
        {
            for (int b = 0; b < n; b++)
            {
                float value = similarity[a, b];
                float t = float.IsFinite(value) ? Math.Clamp(value, 0f, 1f) : 0f;
                var shade = new Rgb((byte)(255 - 215 * t), (byte)(255 - 35 * t), (byte)(255 - 165 * t));
                int x0 = (b + 1) * cellSize, y0 = (a + 1) * cellSize;
                canvas.FillRectangle(x0 + gap, y0 + gap, x0 + cellSize - gap, y0 + cellSize - gap, shade);
                string text = value.ToString("0.000", CultureInfo.InvariantCulture);
                int tw = BitmapFont.MeasureWidth(text, scale), th = BitmapFont.MeasureHeight(scale);
                canvas.DrawText(x0 + (cellSize - tw) / 2, y0 + (cellSize - th) / 2, text, shade.Contrasting, scale);
            }
        }
        return canvas.Image;
    }

    private static string Score(float score) => score.ToString("0.00", CultureInfo.InvariantCulture);
}
