namespace Depthwise.Vision.Codecs;

/// <summary>One component brought to full image resolution, row by row (libjpeg's or stb_image's upsampling).</summary>
internal interface IJpegRowSource
{
    /// <summary>Scratch bytes <see cref="Row"/> may need.</summary>
    int ScratchLength { get; }

    /// <summary>Full-resolution samples of output row <paramref name="y"/> (at least the image width of them).</summary>
    ReadOnlySpan<byte> Row(int y, Span<byte> scratch);
}
