using System.Text;
using Depthwise.Vision.Codecs;

namespace Depthwise.Vision.Tests.Codecs;

public class ImageDecoderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dw-imgdec-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static byte[] SmallPng() => TestPngWriter.Write(3, 2, 2, 8, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);

    private static byte[] SmallBmp() => BmpDecoderTests.Bmp(2, 1, 24, 0, BmpDecoderTests.Rows(2, 1, 24, (x, _) => x == 0 ? 0x010203u : 0x040506u));

    [Fact]
    public void FormatIsChosenByMagicBytesNotByName()
    {
        Assert.Equal(ImageFileFormat.Png, ImageDecoder.Detect(SmallPng()));
        Assert.Equal(ImageFileFormat.Bmp, ImageDecoder.Detect(SmallBmp()));
        Assert.Equal(ImageFileFormat.Jpeg, ImageDecoder.Detect([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]));
        Assert.Equal(ImageFileFormat.Pnm, ImageDecoder.Detect("P6\n1 1 255\n\0\0\0"u8));
        Assert.Equal(ImageFileFormat.Pnm, ImageDecoder.Detect("P1#c\n1 1 0"u8));
        Assert.Equal(ImageFileFormat.Unknown, ImageDecoder.Detect("P9\n"u8));
        Assert.Equal(ImageFileFormat.Unknown, ImageDecoder.Detect("Pizza"u8));
        Assert.Equal(ImageFileFormat.Unknown, ImageDecoder.Detect([]));

        File.WriteAllBytes(PathOf("really-a-png.jpg"), SmallPng());
        File.WriteAllBytes(PathOf("really-a-bmp.png"), SmallBmp());
        File.WriteAllBytes(PathOf("no-extension"), "P2 2 1 255\n7 9\n"u8.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 }, ImageDecoder.Decode(PathOf("really-a-png.jpg")).Pixels);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, ImageDecoder.Decode(PathOf("really-a-bmp.png")).Pixels);
        Assert.Equal(new byte[] { 7, 9 }, ImageDecoder.Decode(PathOf("no-extension")).Pixels);
    }

    [Fact]
    public void OptionsReachTheDecoders()
    {
        var small = new ImageDecodeOptions { MaxPixels = 5 };
        Assert.Contains("limit", Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(SmallPng(), small)).Message);
        Assert.Contains("limit", Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode("P2 3 2 255\n1 2 3 4 5 6"u8, small)).Message);
        Assert.Contains("limit", Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(BmpDecoderTests.Bmp(3, 2, 24, 0, new byte[24]), small)).Message);
    }

    [Fact]
    public void NotAnImageNamesTheFileAndShowsTheFirstBytes()
    {
        File.WriteAllText(PathOf("page.png"), "<!DOCTYPE html><html>");
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(PathOf("page.png")));
        Assert.Contains(PathOf("page.png"), e.Message);
        Assert.Contains("not a PNG, JPEG, BMP or PNM image", e.Message);
        Assert.Contains("3C21444F43545950", e.Message);
        Assert.Contains("\"<!DOCTYPE html><\"", e.Message);
        Assert.Equal(PathOf("page.png"), e.File);

        Assert.Contains("looks like GIF", Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode("GIF89a\x01\0\x01\0"u8)).Message);
        Assert.Contains("looks like WebP", Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode("RIFF\0\0\0\0WEBPVP8 "u8)).Message);
        File.WriteAllBytes(PathOf("empty.bmp"), []);
        Assert.Contains("empty", Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(PathOf("empty.bmp"))).Message);
        Assert.Throws<FileNotFoundException>(() => ImageDecoder.Decode(PathOf("missing.png")));
    }

    [SkippableFact]
    public void JpegIsRecognizedAndDecoded()
    {
        // A JPEG header with nothing after it: recognized as JPEG, refused by the JPEG decoder with the file name.
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0];
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(jpeg, file: "x.jpg"));
        Assert.StartsWith("x.jpg:", e.Message);
        var shared = CodecTestKit.SharedDir is null ? null : Path.Combine(CodecTestKit.SharedDir, "images", "coral", "face.jpg");
        Skip.If(shared is null || !File.Exists(shared), "shared/images/coral/face.jpg not found");
        var img = ImageDecoder.Decode(shared!);
        var direct = JpegDecoder.Decode(File.ReadAllBytes(shared!));
        Assert.Equal((direct.Width, direct.Height, direct.Format), (img.Width, img.Height, img.Format));
        Assert.Equal(direct.Pixels, img.Pixels);
    }

    [Fact]
    public void FilesAboveTheSizeLimitAreRefusedBeforeReading()
    {
        var path = PathOf("huge.png");
        using (var f = File.Create(path))
        {
            f.Write(PngDecoder.Signature);
            f.SetLength(ImageDecoder.MaxFileBytes + 1); // sparse: costs no disk
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(path));
        Assert.Contains("limit", e.Message);
        Assert.Contains(path, e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void SavePngWritesAFileTheDecoderReadsBack()
    {
        var img = new Image(5, 4, PixelFormat.Rgba32);
        new Random(1).NextBytes(img.Pixels);
        img.SavePng(PathOf("out.png"));
        img.SavePng(PathOf("out.png")); // replaces
        var back = ImageDecoder.Decode(PathOf("out.png"));
        Assert.Equal(img.Format, back.Format);
        Assert.Equal(img.Pixels, back.Pixels);
        Assert.Equal(ImageFileFormat.Png, ImageDecoder.Detect(File.ReadAllBytes(PathOf("out.png"))));
        Assert.StartsWith("\u0089PNG", Encoding.Latin1.GetString(File.ReadAllBytes(PathOf("out.png")), 0, 4));
    }
}
