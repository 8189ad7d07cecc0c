namespace Depthwise.Vision.Tasks;

/// <summary>One class of a classification result.</summary>
/// <param name="Index">The position in the model's score vector (for TFLite's 1001-class ImageNet models, 0 is "background").</param>
/// <param name="Label">The class name, when the model's metadata or a label file names it.</param>
/// <param name="Score">The score (a probability for softmax models).</param>
public readonly record struct Classification(int Index, string? Label, float Score);
