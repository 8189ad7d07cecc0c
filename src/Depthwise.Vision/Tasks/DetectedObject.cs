using Depthwise.Vision.Postprocessing;

namespace Depthwise.Vision.Tasks;

/// <summary>An object found by <see cref="ObjectDetector"/>, in pixels of the image it was found in.</summary>
/// <param name="Index">The class index the model reports (for TFLite SSD models with the post-processing op, 0-based
/// without the background class: line <c>Index</c> of coco_ssd_labelmap.txt).</param>
/// <param name="Label">The class name, when the model's metadata or a label file names it.</param>
/// <param name="Score">Confidence.</param>
/// <param name="Box">The box in image pixels (x right, y down).</param>
/// <param name="Keypoints">Keypoints in image pixels, for models that predict them (empty otherwise).</param>
public sealed record DetectedObject(int Index, string? Label, float Score, BoundingBox Box, IReadOnlyList<Keypoint> Keypoints);
