using System.Globalization;
using System.Text.RegularExpressions;
using Depthwise.Vision.Postprocessing;
using Depthwise.Vision.Tasks;
using Xunit.Abstractions;

namespace Depthwise.Vision.Tests.Tasks;

/// <summary>
/// FaceDetector against MediaPipe's expected detection for sergey.png (face_detection_short_range_sergey_expected_detection.pbtxt):
/// one face, score 0.92843366 ± 0.01, box and keypoints within 1 % of the image size.
/// </summary>
public partial class FaceDetectorTests(ITestOutputHelper output)
{
    private static float[] Expected()
    {
        string text = File.ReadAllText(TaskFixtures.Shared("golden", "mediapipe", "face_detection_short_range_sergey_expected_detection.pbtxt"));
        return NumberField().Matches(text).Select(m => float.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
    }

    [SkippableFact]
    public void ShortRangeFindsSergeysFaceAsMediaPipeDoes()
    {
        var detector = new FaceDetector(TaskFixtures.Model("face_detection_short_range.tflite"));
        Assert.Equal(BlazeFaceVariant.ShortRange, detector.Variant);
        Assert.Equal(0.5f, detector.MinScore);
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "mediapipe", "sergey.png"));
        var face = Assert.Single(detector.Detect(image));
        var want = Expected(); // score, xmin, ymin, w, h, then 6 × (x, y), normalized
        float w = image.Width, h = image.Height;
        float[] got =
        [
            face.Box.XMin / w, face.Box.YMin / h, face.Box.Width / w, face.Box.Height / h,
            .. face.Keypoints.SelectMany(k => new[] { k.X / w, k.Y / h }),
        ];
        output.WriteLine($"score {face.Score} (MediaPipe {want[0]}), box {face.Box}");
        Assert.InRange(face.Score, want[0] - 0.01f, want[0] + 0.01f);
        Assert.Equal(want.Length - 1, got.Length);
        float worst = 0;
        for (int i = 0; i < got.Length; i++) worst = Math.Max(worst, Math.Abs(got[i] - want[i + 1]));
        output.WriteLine($"max difference of box and keypoints from MediaPipe's: {worst} of the image size");
        Assert.True(worst <= 0.01f, $"box/keypoints differ by {worst} of the image size");
    }

    [SkippableFact]
    public void FullRangeFindsSergeysFace()
    {
        var detector = new FaceDetector(TaskFixtures.Model("face_detection_full_range.tflite"));
        Assert.Equal(BlazeFaceVariant.FullRange, detector.Variant);
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "mediapipe", "sergey.png"));
        var face = Assert.Single(detector.Detect(image));
        var want = Expected();
        output.WriteLine($"full range: score {face.Score}, box {face.Box}");
        Assert.True(face.Score > 0.6f);
        // A different model: the box agrees with the short-range golden only roughly (within 5 % of the image).
        var b = face.Box;
        Assert.InRange(b.XMin / image.Width, want[1] - 0.05f, want[1] + 0.05f);
        Assert.InRange(b.YMin / image.Height, want[2] - 0.05f, want[2] + 0.05f);
        Assert.InRange(b.XMax / image.Width, want[1] + want[3] - 0.05f, want[1] + want[3] + 0.05f);
        Assert.InRange(b.YMax / image.Height, want[2] + want[4] - 0.05f, want[2] + want[4] + 0.05f);
        Assert.Equal(6, face.Keypoints.Count);
    }

    [SkippableFact]
    public void FacesInARegionAreReportedInImagePixels()
    {
        var detector = new FaceDetector(TaskFixtures.Model("face_detection_short_range.tflite"));
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "mediapipe", "sergey.png"));
        var whole = Assert.Single(detector.Detect(image));
        // The right 5/6 of the image still holds the whole face; its box must land on about the same pixels (the
        // model sees other context, so a few pixels apart), not on region-relative ones (100 px to the left).
        var part = Assert.Single(detector.Detect(image, Depthwise.Vision.Preprocessing.NormalizedRect.FromPixels(100, 0, 500, 600, image.Width, image.Height)));
        Assert.InRange(part.Box.XMin, whole.Box.XMin - 15, whole.Box.XMin + 15);
        Assert.InRange(part.Box.YMin, whole.Box.YMin - 15, whole.Box.YMin + 15);
        Assert.InRange(part.Box.Width, whole.Box.Width - 20, whole.Box.Width + 20);
    }

    [SkippableFact]
    public void AnImageWithoutFacesGivesNone()
    {
        var detector = new FaceDetector(TaskFixtures.Model("face_detection_short_range.tflite"));
        var gray = new Image(200, 120, PixelFormat.Rgb24);
        Array.Fill(gray.Pixels, (byte)128);
        Assert.Empty(detector.Detect(gray));
    }

    [SkippableFact]
    public void ANonBlazeFaceModelIsRefused()
    {
        var e = Assert.Throws<UnsupportedModelException>(() => new FaceDetector(TaskFixtures.Model("deeplabv3.tflite")));
        Assert.Contains("not a BlazeFace model", e.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?:score|xmin|ymin|width|height|x|y):\s*([-0-9.eE+]+)")]
    private static partial Regex NumberField();
}
