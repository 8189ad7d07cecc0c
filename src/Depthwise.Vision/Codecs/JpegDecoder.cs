using System.Runtime.CompilerServices;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// A pure-managed JPEG decoder: baseline and extended sequential (SOF0/SOF1) and progressive (SOF2) Huffman-coded
/// 8-bit JPEG with any integral sampling factors, restart markers, 1 (gray), 3 (YCbCr or RGB) or 4 (CMYK or YCCK)
/// components, and the EXIF orientation. It reproduces libjpeg-turbo's default decoding (the accurate integer IDCT,
/// "fancy" triangle-filter upsampling, its fixed-point color conversion), so its pixels equal <c>djpeg</c>'s; with
/// <see cref="ImageDecodeOptions.JpegCompatibility"/> = <see cref="JpegCompatibility.StbImage"/> they equal stb_image's.
/// Arithmetic coding, lossless and hierarchical JPEG and 12-bit samples are refused with an
/// <see cref="ImageFormatException"/>. See docs/codecs.md for the details and measured accuracy.
/// </summary>
public static class JpegDecoder
{
    /// <summary>True when <paramref name="header"/> (the first bytes of a file, at least 3) starts like a JPEG: SOI then a marker.</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> header) =>
        header.Length >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF;

    /// <summary>
    /// Decodes a JPEG file to <see cref="PixelFormat.Gray8"/> (one component) or <see cref="PixelFormat.Rgb24"/>.
    /// Data that ends early after the first scan decodes anyway (what is missing stays mid-gray, or at the precision
    /// of the scans received for a progressive file), as libjpeg does.
    /// </summary>
    /// <param name="data">The whole file.</param>
    /// <param name="options">Size limit and EXIF handling; <see cref="ImageDecodeOptions.Default"/> when null.</param>
    /// <param name="file">The file name, for error messages.</param>
    /// <exception cref="ImageFormatException">The data is not a decodable JPEG, uses an unsupported feature, or is larger than <see cref="ImageDecodeOptions.MaxPixels"/>.</exception>
    public static Image Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null, string? file = null) =>
        DecodeWithDetails(data, options, file).Image;

    /// <summary>Reads the header only (up to the first scan): size, components, progressive or not, EXIF orientation.</summary>
    /// <exception cref="ImageFormatException">The header is malformed or unsupported, or the image is larger than <paramref name="maxPixels"/>.</exception>
    public static JpegInfo Identify(ReadOnlySpan<byte> data, string? file = null, long maxPixels = long.MaxValue)
    {
        var parser = new JpegParser(data, maxPixels, file);
        parser.Run(headerOnly: true);
        var frame = parser.Frame ?? throw new ImageFormatException("no frame header (SOF) before the first scan", file, data.Length);
        return new JpegInfo(frame.Width, frame.Height, frame.Components.Length, frame.Progressive, parser.Orientation);
    }

    /// <summary>Decodes and reports what libjpeg would have warned about (for tests and diagnostics).</summary>
    internal static (Image Image, int Orientation, IReadOnlyList<string> Warnings) DecodeWithDetails(
        ReadOnlySpan<byte> data, ImageDecodeOptions? options, string? file)
    {
        options ??= ImageDecodeOptions.Default;
        var parser = new JpegParser(data, options.MaxPixels, file, options.JpegCompatibility);
        parser.Run(headerOnly: false);
        var frame = parser.Frame!;
        parser.FinishPlanes();
        var space = options.JpegCompatibility == JpegCompatibility.StbImage
            ? StbColorSpaceOf(frame, parser.StbJfif, parser.StbAdobeTransform)
            : ColorSpaceOf(frame, parser.SawJfif, parser.AdobeTransform);
        var image = Convert(frame, space, options.MaxPixels);
        if (options.ApplyExifOrientation) image = JpegExifOrientation.Apply(image, parser.Orientation);
        return (image, parser.Orientation, parser.Warnings);
    }

    private enum ColorSpace { Gray, YCbCr, Rgb, Cmyk, Ycck }

    /// <summary>libjpeg's guess of the stored color space (jdapimin's default_decompress_parms).</summary>
    private static ColorSpace ColorSpaceOf(JpegFrame frame, bool jfif, int adobe)
    {
        var c = frame.Components;
        switch (c.Length)
        {
            case 1:
                return ColorSpace.Gray;
            case 3:
                if (jfif) return ColorSpace.YCbCr;
                if (adobe >= 0) return adobe == 0 ? ColorSpace.Rgb : ColorSpace.YCbCr;
                if (c[0].Id == 'R' && c[1].Id == 'G' && c[2].Id == 'B') return ColorSpace.Rgb;
                return ColorSpace.YCbCr;
            default:
                // Adobe transform 2 is YCCK, and libjpeg assumes YCCK for any other nonzero value; 0 or no segment: CMYK.
                return adobe > 0 ? ColorSpace.Ycck : ColorSpace.Cmyk;
        }
    }

    /// <summary>
    /// stb_image's choice (load_jpeg_image): three components are RGB when their ids are 'R', 'G', 'B' (even with a
    /// JFIF segment) or when an Adobe segment says transform 0 and there is no JFIF segment; four components are CMYK
    /// with Adobe transform 0, YCCK with transform 2, and otherwise YCbCr with the fourth component ignored.
    /// </summary>
    private static ColorSpace StbColorSpaceOf(JpegFrame frame, bool jfif, int adobe)
    {
        var c = frame.Components;
        switch (c.Length)
        {
            case 1:
                return ColorSpace.Gray;
            case 3:
                bool rgbIds = c[0].Id == 'R' && c[1].Id == 'G' && c[2].Id == 'B';
                return rgbIds || (adobe == 0 && !jfif) ? ColorSpace.Rgb : ColorSpace.YCbCr;
            default:
                return adobe switch { 0 => ColorSpace.Cmyk, 2 => ColorSpace.Ycck, _ => ColorSpace.YCbCr };
        }
    }

    /// <summary>Upsamples each component to full size and color-converts, row by row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Image Convert(JpegFrame frame, ColorSpace space, long maxPixels)
    {
        int w = frame.Width, h = frame.Height;
        var comps = frame.Components;
        var format = space == ColorSpace.Gray ? PixelFormat.Gray8 : PixelFormat.Rgb24;
        Image.CheckSize(w, h, format, maxPixels);
        // Every byte is written below, so the buffer need not be zeroed first.
        var image = new Image(w, h, format, GC.AllocateUninitializedArray<byte>(w * h * (int)format));
        bool stb = frame.Compatibility == JpegCompatibility.StbImage;
        var upsamplers = new IJpegRowSource[comps.Length];
        var scratch = new byte[comps.Length][];
        for (int i = 0; i < comps.Length; i++)
        {
            upsamplers[i] = stb ? new JpegStbUpsampler(frame, comps[i]) : new JpegUpsampler(frame, comps[i], null);
            scratch[i] = new byte[upsamplers[i].ScratchLength];
        }
        var pixels = image.Pixels;
        int stride = image.Stride;
        for (int y = 0; y < h; y++)
        {
            var dst = pixels.AsSpan(y * stride, stride);
            var r0 = upsamplers[0].Row(y, scratch[0]);
            if (space == ColorSpace.Gray)
            {
                r0.Slice(0, w).CopyTo(dst);
                continue;
            }
            var r1 = upsamplers[1].Row(y, scratch[1]);
            var r2 = upsamplers[2].Row(y, scratch[2]);
            switch (space)
            {
                case ColorSpace.YCbCr when stb:
                    JpegStbColorConverter.YCbCrToRgb(r0, r1, r2, dst, w);
                    break;
                case ColorSpace.YCbCr:
                    JpegColorConverter.YCbCrToRgb(r0, r1, r2, dst, w);
                    break;
                case ColorSpace.Rgb:
                    JpegColorConverter.Interleave(r0, r1, r2, dst, w);
                    break;
                case ColorSpace.Cmyk when stb:
                    JpegStbColorConverter.CmykToRgb(r0, r1, r2, upsamplers[3].Row(y, scratch[3]), dst, w);
                    break;
                case ColorSpace.Cmyk:
                    JpegColorConverter.CmykToRgb(r0, r1, r2, upsamplers[3].Row(y, scratch[3]), dst, w);
                    break;
                case ColorSpace.Ycck when stb:
                    JpegStbColorConverter.YcckToRgb(r0, r1, r2, upsamplers[3].Row(y, scratch[3]), dst, w);
                    break;
                default:
                    JpegColorConverter.YcckToRgb(r0, r1, r2, upsamplers[3].Row(y, scratch[3]), dst, w);
                    break;
            }
        }
        return image;
    }
}
