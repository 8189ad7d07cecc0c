namespace Depthwise.Vision.Preprocessing;

/// <summary>The axis order of an image tensor.</summary>
public enum TensorLayout
{
    /// <summary>[1, height, width, channels]: TFLite and MediaPipe models.</summary>
    Nhwc,

    /// <summary>[1, channels, height, width]: most ONNX and PyTorch models.</summary>
    Nchw,
}
