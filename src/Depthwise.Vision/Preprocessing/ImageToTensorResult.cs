using Depthwise.Tensors;

namespace Depthwise.Vision.Preprocessing;

/// <summary>A converted tensor and the geometry needed to map model outputs back onto the image.</summary>
/// <param name="Tensor">The image tensor, [1, H, W, C] or [1, C, H, W].</param>
/// <param name="Transform">Tensor ↔ image coordinates, with the letterbox padding.</param>
public readonly record struct ImageToTensorResult(Tensor Tensor, TensorImageTransform Transform);
