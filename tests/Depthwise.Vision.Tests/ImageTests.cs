using Depthwise.Vision;

namespace Depthwise.Vision.Tests;

public class ImageTests
{
    [Fact]
    public void RowsAreContiguousAndSized()
    {
        var img = new Image(3, 2, PixelFormat.Rgb24);
        Assert.Equal(9, img.Stride);
        img.Row(1)[0] = 7;
        Assert.Equal(7, img.Pixels[9]);
    }

    [Fact]
    public void SizeLimitIsCheckedBeforeAllocating()
    {
        var e = Assert.Throws<ImageFormatException>(() => new Image(100_000, 100_000, PixelFormat.Rgba32));
        Assert.Contains("limit", e.Message, StringComparison.Ordinal);
        Assert.Throws<ImageFormatException>(() => new Image(0, 5, PixelFormat.Gray8));
        Assert.Throws<ImageFormatException>(() => new Image(2, 2, PixelFormat.Gray8, new byte[3]));
    }
}
