using Depthwise.Vision.Preprocessing;

namespace Depthwise.Vision.Postprocessing;

/// <summary>
/// Maps detections decoded in model-input coordinates (normalized to the tensor, letterbox included) back onto the
/// source image through the <see cref="TensorImageTransform"/> of the conversion, as MediaPipe's
/// <c>DetectionProjectionCalculator</c>: keypoints are mapped, the box's four corners are mapped and the box becomes
/// their axis-aligned bounds (so a rotated region yields the box enclosing the rotated box).
/// </summary>
public static class DetectionProjection
{
    /// <summary>The detection in image coordinates normalized by the image size (MediaPipe's output).</summary>
    public static Detection ToImageNormalized(Detection detection, in TensorImageTransform transform)
        => Project(detection, transform, 1f / transform.ImageWidth, 1f / transform.ImageHeight);

    /// <summary>The detection in image pixels.</summary>
    public static Detection ToImagePixels(Detection detection, in TensorImageTransform transform)
        => Project(detection, transform, 1f, 1f);

    /// <summary>Every detection in image coordinates normalized by the image size.</summary>
    public static List<Detection> ToImageNormalized(IEnumerable<Detection> detections, in TensorImageTransform transform)
    {
        ArgumentNullException.ThrowIfNull(detections);
        var list = new List<Detection>();
        foreach (var d in detections) list.Add(ToImageNormalized(d, transform));
        return list;
    }

    /// <summary>Every detection in image pixels.</summary>
    public static List<Detection> ToImagePixels(IEnumerable<Detection> detections, in TensorImageTransform transform)
    {
        ArgumentNullException.ThrowIfNull(detections);
        var list = new List<Detection>();
        foreach (var d in detections) list.Add(ToImagePixels(d, transform));
        return list;
    }

    private static Detection Project(Detection detection, in TensorImageTransform t, float sx, float sy)
    {
        ArgumentNullException.ThrowIfNull(detection);
        var keypoints = new Keypoint[detection.Keypoints.Count];
        for (int k = 0; k < keypoints.Length; k++)
        {
            var p = t.ToImagePixels(detection.Keypoints[k].X, detection.Keypoints[k].Y);
            keypoints[k] = new Keypoint(p.X * sx, p.Y * sy);
        }
        var b = detection.Box;
        float xmin = float.MaxValue, ymin = float.MaxValue, xmax = float.MinValue, ymax = float.MinValue;
        Span<float> xs = [b.XMin, b.XMax, b.XMax, b.XMin];
        Span<float> ys = [b.YMin, b.YMin, b.YMax, b.YMax];
        for (int c = 0; c < 4; c++)
        {
            var p = t.ToImagePixels(xs[c], ys[c]);
            float x = p.X * sx, y = p.Y * sy;
            xmin = Math.Min(xmin, x);
            ymin = Math.Min(ymin, y);
            xmax = Math.Max(xmax, x);
            ymax = Math.Max(ymax, y);
        }
        return detection with { Box = BoundingBox.FromCorners(xmin, ymin, xmax, ymax), Keypoints = keypoints };
    }
}
