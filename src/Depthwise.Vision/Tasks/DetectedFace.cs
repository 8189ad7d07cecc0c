using Depthwise.Vision.Postprocessing;

namespace Depthwise.Vision.Tasks;

/// <summary>A face found by <see cref="FaceDetector"/>, in pixels of the image it was found in.</summary>
/// <param name="Score">Confidence in [0, 1].</param>
/// <param name="Box">The face box in image pixels (x right, y down; the image spans 0..width, 0..height).</param>
/// <param name="Keypoints">BlazeFace's six keypoints in image pixels: right eye, left eye, nose tip, mouth centre,
/// right ear tragion, left ear tragion ("right" is the person's right, on the image's left).</param>
public sealed record DetectedFace(float Score, BoundingBox Box, IReadOnlyList<Keypoint> Keypoints);
