namespace Depthwise.Vision.Preprocessing;

/// <summary>The order of the colour channels in a three-channel tensor.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue.</summary>
    Rgb,

    /// <summary>Blue, green, red (Caffe and OpenCV-trained models).</summary>
    Bgr,
}
