using System.Buffers;
using System.Runtime.CompilerServices;
using Depthwise.Tensors;

namespace Depthwise.Vision.Preprocessing;

/// <summary>
/// Turns an <see cref="Image"/> (or a rotated region of it) into a model input tensor: crop, rotate, letterbox,
/// resize, drop alpha or expand gray, reorder channels, normalize, lay out as NHWC or NCHW. The geometry and the
/// bilinear arithmetic follow MediaPipe's <c>ImageToTensorCalculator</c> on CPU (OpenCV <c>warpPerspective</c>
/// mapping the region's corners onto the tensor's), so tensors agree with MediaPipe's to within a level or two of
/// 8-bit rounding. Every conversion reports a <see cref="TensorImageTransform"/> for mapping boxes and keypoints back.
/// Thread-safe: the converter holds only its options.
/// </summary>
public sealed class ImageToTensorConverter
{
    // OpenCV's warp: source positions are quantized to 1/32 pixel (INTER_BITS = 5); 8-bit bilinear weights are
    // products of 5-bit fractions, so the 2×2 weights sum to 1024 and the result is (Σ w·p + 512) >> 10, which is
    // what OpenCV's 15-bit table (every entry a multiple of 32) computes.
    private const int InterBits = 5;
    private const int InterTabSize = 1 << InterBits;
    private const int BilinearShift = 2 * InterBits;

    private readonly TensorNormalization _normalization;

    /// <summary>Creates a converter.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public ImageToTensorConverter(ImageToTensorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _normalization = options.EffectiveNormalization;
    }

    /// <summary>The options this converter applies.</summary>
    public ImageToTensorOptions Options { get; }

    /// <summary>Tensor width, height and channels for an image of this size and format.</summary>
    public (int Width, int Height, int Channels) GetOutputSize(int imageWidth, int imageHeight, PixelFormat format)
    {
        int w = Options.OutputWidth == 0 ? imageWidth : Options.OutputWidth;
        int h = Options.OutputHeight == 0 ? imageHeight : Options.OutputHeight;
        int c = Options.OutputChannels != 0 ? Options.OutputChannels : format == PixelFormat.Gray8 ? 1 : 3;
        return (w, h, c);
    }

    /// <summary>The tensor shape produced for <paramref name="image"/>.</summary>
    public Shape GetOutputShape(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (w, h, c) = GetOutputSize(image.Width, image.Height, image.Format);
        return Options.Layout == TensorLayout.Nhwc ? new Shape(1, h, w, c) : new Shape(1, c, h, w);
    }

    /// <summary>
    /// The geometry of converting region <paramref name="roi"/> (the whole image when null) of an image of this size:
    /// MediaPipe's <c>GetRoi</c> then, with <see cref="ImageToTensorOptions.KeepAspectRatio"/>, <c>PadRoi</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The region is not finite or has no area.</exception>
    public TensorImageTransform GetTransform(int imageWidth, int imageHeight, NormalizedRect? roi = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        var r = roi ?? NormalizedRect.Full;
        if (!float.IsFinite(r.XCenter) || !float.IsFinite(r.YCenter) || !float.IsFinite(r.Width) || !float.IsFinite(r.Height) || !float.IsFinite(r.Rotation))
            throw new ArgumentException($"region of interest {r} is not finite", nameof(roi));
        var rect = new RotatedRect(r.XCenter * imageWidth, r.YCenter * imageHeight, r.Width * imageWidth, r.Height * imageHeight, r.Rotation);
        if (!(rect.Width > 0 && rect.Height > 0))
            throw new ArgumentException($"region of interest {r} has no area", nameof(roi));
        var (tw, th, _) = GetOutputSize(imageWidth, imageHeight, PixelFormat.Rgb24);

        var padding = default(LetterboxPadding);
        if (Options.KeepAspectRatio)
        {
            // Grow the region about its centre to the tensor's aspect ratio (float arithmetic, as MediaPipe's PadRoi).
            float tensorAspect = (float)th / tw;
            float roiAspect = rect.Height / rect.Width;
            if (tensorAspect > roiAspect)
            {
                float vertical = (1f - roiAspect / tensorAspect) / 2f;
                rect = rect with { Height = rect.Width * tensorAspect };
                padding = new LetterboxPadding(0f, vertical, 0f, vertical);
            }
            else
            {
                float horizontal = (1f - tensorAspect / roiAspect) / 2f;
                rect = rect with { Width = rect.Height / tensorAspect };
                padding = new LetterboxPadding(horizontal, 0f, horizontal, 0f);
            }
        }
        return new TensorImageTransform(rect, imageWidth, imageHeight, tw, th, padding, Options.FlipHorizontally);
    }

    /// <summary>Converts region <paramref name="roi"/> (the whole image when null) of <paramref name="image"/> into a new tensor.</summary>
    /// <exception cref="ArgumentException">The region is not finite or has no area, or the normalization has three values for a one-channel tensor.</exception>
    public ImageToTensorResult Convert(Image image, NormalizedRect? roi = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var tensor = Tensor.Zeros(Options.OutputType, GetOutputShape(image));
        var transform = ConvertInto(image, tensor, roi);
        return new ImageToTensorResult(tensor, transform);
    }

    /// <summary>
    /// Converts into an existing tensor (which must have <see cref="GetOutputShape"/>'s shape and the output type), so
    /// a caller running a model repeatedly allocates nothing per frame beyond a pooled row buffer.
    /// </summary>
    /// <exception cref="ArgumentException">The destination's type or shape is wrong, or as for <see cref="Convert"/>.</exception>
    public TensorImageTransform ConvertInto(Image image, Tensor destination, NormalizedRect? roi = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(destination);
        var shape = GetOutputShape(image);
        if (destination.DataType != Options.OutputType || !destination.Shape.Equals(shape))
            throw new ArgumentException($"destination is {destination}, expected {DataTypes.Name(Options.OutputType)}{shape}", nameof(destination));
        var (tw, th, channels) = GetOutputSize(image.Width, image.Height, image.Format);
        if (channels == 1 && (_normalization.Scale.Length > 1 || _normalization.Offset.Length > 1))
            throw new ArgumentException($"normalization {_normalization} has per-channel values but the tensor has one channel");

        var transform = GetTransform(image.Width, image.Height, roi);
        var source = image;
        var sampling = transform;
        var samplingOptions = Options;
        if (Options.Interpolation == InterpolationMode.Libyuv)
        {
            // libyuv resizes the cropped region to the tensor size; the tensor then copies that image pixel for pixel.
            source = LibyuvResize(image, transform, tw, th);
            sampling = new TensorImageTransform(new RotatedRect(tw / 2f, th / 2f, tw, th, 0f), tw, th, tw, th, default, transform.FlipHorizontally);
            samplingOptions = Options with { Interpolation = InterpolationMode.Nearest, Sampling = PixelSampling.Corners, BorderMode = BorderMode.Replicate };
        }
        byte[] row = ArrayPool<byte>.Shared.Rent(tw * channels);
        try
        {
            var sampler = new Sampler(source, sampling, samplingOptions);
            for (int y = 0; y < th; y++)
            {
                var rowSpan = row.AsSpan(0, tw * channels);
                sampler.SampleRow(y, rowSpan, channels, Options.ChannelOrder);
                StoreRow(rowSpan, y, tw, th, channels, destination);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(row);
        }
        return transform;
    }

    /// <summary>
    /// <see cref="InterpolationMode.Libyuv"/>: crops the (unrotated, unpadded) region to whole pixels, as the Task
    /// Library's integer crop box, and scales it to the tensor size with libyuv's arithmetic.
    /// </summary>
    private static Image LibyuvResize(Image image, in TensorImageTransform transform, int width, int height)
    {
        var r = transform.Roi;
        if (Math.Abs(r.Rotation) > 1e-6f || !transform.Letterbox.Equals(default(LetterboxPadding)))
            throw new ArgumentException("Libyuv interpolation resizes an axis-aligned crop: the region must not be rotated or letterboxed (KeepAspectRatio)");
        int left = Math.Clamp((int)MathF.Round(r.CenterX - r.Width / 2), 0, image.Width);
        int top = Math.Clamp((int)MathF.Round(r.CenterY - r.Height / 2), 0, image.Height);
        int right = Math.Clamp((int)MathF.Round(r.CenterX + r.Width / 2), 0, image.Width);
        int bottom = Math.Clamp((int)MathF.Round(r.CenterY + r.Height / 2), 0, image.Height);
        if (right <= left || bottom <= top)
            throw new ArgumentException($"the region of interest covers no whole pixel of the {image.Width}x{image.Height} image");
        int channels = image.Channels;
        var pixels = new byte[width * height * channels];
        LibyuvScaler.Scale(image.Pixels.AsSpan(top * image.Stride + left * channels), right - left, bottom - top, image.Stride, channels,
            pixels, width, height);
        return new Image(width, height, image.Format, pixels);
    }

    private void StoreRow(ReadOnlySpan<byte> row, int y, int width, int height, int channels, Tensor destination)
    {
        bool nhwc = Options.Layout == TensorLayout.Nhwc;
        // NHWC: element (y, x, c) at (y·W + x)·C + c. NCHW: at (c·H + y)·W + x.
        int pixelStep = nhwc ? channels : 1;
        switch (Options.OutputType)
        {
            case DataType.Float32:
                {
                    var dst = destination.AsSpan<float>();
                    for (int c = 0; c < channels; c++)
                    {
                        float scale = _normalization.ScaleOf(c), offset = _normalization.OffsetOf(c);
                        int o = nhwc ? y * width * channels + c : (c * height + y) * width;
                        for (int x = 0; x < width; x++, o += pixelStep)
                            dst[o] = row[x * channels + c] * scale + offset;
                    }
                    break;
                }
            case DataType.UInt8:
                {
                    var dst = destination.Bytes.Span;
                    for (int c = 0; c < channels; c++)
                    {
                        float scale = _normalization.ScaleOf(c), offset = _normalization.OffsetOf(c);
                        int o = nhwc ? y * width * channels + c : (c * height + y) * width;
                        for (int x = 0; x < width; x++, o += pixelStep)
                            dst[o] = (byte)Math.Clamp(MathF.Round(row[x * channels + c] * scale + offset), 0f, 255f);
                    }
                    break;
                }
            default:
                {
                    var dst = destination.AsSpan<sbyte>();
                    for (int c = 0; c < channels; c++)
                    {
                        float scale = _normalization.ScaleOf(c), offset = _normalization.OffsetOf(c);
                        int o = nhwc ? y * width * channels + c : (c * height + y) * width;
                        for (int x = 0; x < width; x++, o += pixelStep)
                            dst[o] = (sbyte)Math.Clamp(MathF.Round(row[x * channels + c] * scale + offset), -128f, 127f);
                    }
                    break;
                }
        }
    }

    /// <summary>Samples tensor rows from the image: 8-bit values per output channel, before normalization.</summary>
    private readonly ref struct Sampler
    {
        private readonly ReadOnlySpan<byte> _src;
        private readonly int _width, _height, _stride, _pixelBytes, _sourceChannels;
        private readonly bool _zero, _flip;
        private readonly int _tensorWidth;
        private readonly InterpolationMode _mode;
        // Source position (pixel-index coordinates: image pixel k at k) of tensor pixel (i, j) = (_ax·i + _bx·j + _cx, _ay·i + _by·j + _cy).
        private readonly double _ax, _bx, _cx, _ay, _by, _cy;

        public Sampler(Image image, in TensorImageTransform t, ImageToTensorOptions options)
        {
            _src = image.Pixels;
            _width = image.Width;
            _height = image.Height;
            _pixelBytes = image.Channels;
            _stride = image.Stride;
            _sourceChannels = image.Format == PixelFormat.Gray8 ? 1 : 3;
            _zero = options.BorderMode == BorderMode.Zero;
            // A flip mirrors the tensor pixel grid exactly (pixel i takes what pixel W − 1 − i would show), so the
            // sampling geometry is that of the unflipped region.
            _flip = t.FlipHorizontally;
            _tensorWidth = t.TensorWidth;
            var (a, b, c, d, e, f) = (_flip ? new TensorImageTransform(t.Roi, t.ImageWidth, t.ImageHeight, t.TensorWidth, t.TensorHeight) : t).Coefficients;
            // Corners: tensor pixel i is the point u = i / W. Half-pixel centres: u = (i + ½) / W, and image pixel k
            // covers [k, k + 1), so its index coordinate is the pixel coordinate − ½.
            double g = options.Sampling == PixelSampling.HalfPixelCenters ? 0.5 : 0.0;
            _ax = a / t.TensorWidth;
            _bx = b / t.TensorHeight;
            _cx = c + g * (_ax + _bx) - g;
            _ay = d / t.TensorWidth;
            _by = e / t.TensorHeight;
            _cy = f + g * (_ay + _by) - g;
            _mode = options.Interpolation;
            if (_mode == InterpolationMode.Area && !(Math.Abs(_bx) < 1e-6 && Math.Abs(_ay) < 1e-6))
                _mode = InterpolationMode.Bilinear;
        }

        public void SampleRow(int j, Span<byte> row, int outChannels, ChannelOrder order)
        {
            Span<byte> px = stackalloc byte[4];
            int tensorWidth = row.Length / outChannels;
            for (int i = 0; i < tensorWidth; i++)
            {
                int si = _flip ? _tensorWidth - 1 - i : i;
                double sx = _ax * si + _bx * j + _cx;
                double sy = _ay * si + _by * j + _cy;
                switch (_mode)
                {
                    case InterpolationMode.Nearest: Nearest(sx, sy, px); break;
                    case InterpolationMode.Area: Area(sx, sy, px); break;
                    case InterpolationMode.Bicubic: Bicubic(sx, sy, px); break;
                    default: Bilinear(sx, sy, px); break;
                }
                var dst = row.Slice(i * outChannels, outChannels);
                if (_sourceChannels == 1)
                {
                    for (int c = 0; c < outChannels; c++) dst[c] = px[0];
                }
                else if (outChannels == 1)
                {
                    // OpenCV RGB2GRAY, 14-bit fixed point.
                    dst[0] = (byte)((px[0] * 4899 + px[1] * 9617 + px[2] * 1868 + (1 << 13)) >> 14);
                }
                else if (order == ChannelOrder.Bgr)
                {
                    dst[0] = px[2];
                    dst[1] = px[1];
                    dst[2] = px[0];
                }
                else
                {
                    dst[0] = px[0];
                    dst[1] = px[1];
                    dst[2] = px[2];
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int RoundToInt(double v)
        {
            // cvRound (half to even) on a clamped value, as saturate_cast<int> in OpenCV's warp.
            if (!(v > -(1 << 29))) return -(1 << 29);
            if (v > 1 << 29) return 1 << 29;
            return (int)Math.Round(v);
        }

        private int Clamp(int v, int n) => v < 0 ? 0 : v >= n ? n - 1 : v;

        private void Bilinear(double sx, double sy, Span<byte> px)
        {
            int x = RoundToInt(sx * InterTabSize), y = RoundToInt(sy * InterTabSize);
            int ix = x >> InterBits, iy = y >> InterBits;
            int fx = x & (InterTabSize - 1), fy = y & (InterTabSize - 1);
            int w00 = (InterTabSize - fx) * (InterTabSize - fy), w01 = fx * (InterTabSize - fy);
            int w10 = (InterTabSize - fx) * fy, w11 = fx * fy;
            const int Half = 1 << (BilinearShift - 1);
            if ((uint)ix < (uint)(_width - 1) && (uint)iy < (uint)(_height - 1))
            {
                int p0 = iy * _stride + ix * _pixelBytes, p1 = p0 + _stride;
                for (int c = 0; c < _sourceChannels; c++)
                {
                    int s = _src[p0 + c] * w00 + _src[p0 + _pixelBytes + c] * w01 + _src[p1 + c] * w10 + _src[p1 + _pixelBytes + c] * w11;
                    px[c] = (byte)((s + Half) >> BilinearShift);
                }
                return;
            }
            int x0 = ix, x1 = ix + 1, y0 = iy, y1 = iy + 1;
            bool vx0 = true, vx1 = true, vy0 = true, vy1 = true;
            if (_zero)
            {
                vx0 = (uint)x0 < (uint)_width; vx1 = (uint)x1 < (uint)_width;
                vy0 = (uint)y0 < (uint)_height; vy1 = (uint)y1 < (uint)_height;
            }
            else
            {
                x0 = Clamp(x0, _width); x1 = Clamp(x1, _width);
                y0 = Clamp(y0, _height); y1 = Clamp(y1, _height);
            }
            for (int c = 0; c < _sourceChannels; c++)
            {
                int s = 0;
                if (vy0 && vx0) s += _src[y0 * _stride + x0 * _pixelBytes + c] * w00;
                if (vy0 && vx1) s += _src[y0 * _stride + x1 * _pixelBytes + c] * w01;
                if (vy1 && vx0) s += _src[y1 * _stride + x0 * _pixelBytes + c] * w10;
                if (vy1 && vx1) s += _src[y1 * _stride + x1 * _pixelBytes + c] * w11;
                px[c] = (byte)((s + Half) >> BilinearShift);
            }
        }

        private void Nearest(double sx, double sy, Span<byte> px)
        {
            int x = RoundToInt(sx), y = RoundToInt(sy);
            if ((uint)x >= (uint)_width || (uint)y >= (uint)_height)
            {
                if (_zero)
                {
                    px[..4].Clear();
                    return;
                }
                x = Clamp(x, _width);
                y = Clamp(y, _height);
            }
            int p = y * _stride + x * _pixelBytes;
            for (int c = 0; c < _sourceChannels; c++) px[c] = _src[p + c];
        }

        private void Bicubic(double sx, double sy, Span<byte> px)
        {
            int x = RoundToInt(sx * InterTabSize), y = RoundToInt(sy * InterTabSize);
            int ix = (x >> InterBits) - 1, iy = (y >> InterBits) - 1;
            Span<float> wx = stackalloc float[4];
            Span<float> wy = stackalloc float[4];
            CubicWeights((x & (InterTabSize - 1)) / (float)InterTabSize, wx);
            CubicWeights((y & (InterTabSize - 1)) / (float)InterTabSize, wy);
            Span<float> acc = stackalloc float[3];
            acc.Clear();
            for (int r = 0; r < 4; r++)
            {
                int yy = iy + r;
                if ((uint)yy >= (uint)_height)
                {
                    if (_zero) continue;
                    yy = Clamp(yy, _height);
                }
                for (int k = 0; k < 4; k++)
                {
                    int xx = ix + k;
                    if ((uint)xx >= (uint)_width)
                    {
                        if (_zero) continue;
                        xx = Clamp(xx, _width);
                    }
                    float w = wy[r] * wx[k];
                    int p = yy * _stride + xx * _pixelBytes;
                    for (int c = 0; c < _sourceChannels; c++) acc[c] += _src[p + c] * w;
                }
            }
            for (int c = 0; c < _sourceChannels; c++) px[c] = (byte)Math.Clamp(MathF.Round(acc[c]), 0f, 255f);
        }

        // OpenCV's interpolateCubic with A = −0.75: weights of the pixels at −1, 0, 1, 2 for a fraction t.
        private static void CubicWeights(float t, Span<float> w)
        {
            const float A = -0.75f;
            w[0] = ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A;
            w[1] = ((A + 2) * t - (A + 3)) * t * t + 1;
            w[2] = ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1;
            w[3] = 1f - w[0] - w[1] - w[2];
        }

        private void Area(double sx, double sy, Span<byte> px)
        {
            // The footprint of a tensor pixel is one step wide, centred on its sample point; image pixel k covers
            // [k, k + 1) in area coordinates, i.e. the index coordinate + ½.
            double hx = Math.Abs(_ax) * 0.5, hy = Math.Abs(_by) * 0.5;
            double x0 = sx + 0.5 - hx, x1 = sx + 0.5 + hx, y0 = sy + 0.5 - hy, y1 = sy + 0.5 + hy;
            double total = (x1 - x0) * (y1 - y0);
            if (!(total > 0))
            {
                Bilinear(sx, sy, px);
                return;
            }
            Span<double> acc = stackalloc double[3];
            acc.Clear();
            int ky0 = (int)Math.Floor(y0), ky1 = (int)Math.Ceiling(y1);
            int kx0 = (int)Math.Floor(x0), kx1 = (int)Math.Ceiling(x1);
            for (int ky = ky0; ky < ky1; ky++)
            {
                double wy = Math.Min(y1, ky + 1) - Math.Max(y0, ky);
                if (wy <= 0) continue;
                int yy = ky;
                if ((uint)yy >= (uint)_height)
                {
                    if (_zero) continue;
                    yy = Clamp(yy, _height);
                }
                for (int kx = kx0; kx < kx1; kx++)
                {
                    double wx = Math.Min(x1, kx + 1) - Math.Max(x0, kx);
                    if (wx <= 0) continue;
                    int xx = kx;
                    if ((uint)xx >= (uint)_width)
                    {
                        if (_zero) continue;
                        xx = Clamp(xx, _width);
                    }
                    double w = wx * wy;
                    int p = yy * _stride + xx * _pixelBytes;
                    for (int c = 0; c < _sourceChannels; c++) acc[c] += _src[p + c] * w;
                }
            }
            for (int c = 0; c < _sourceChannels; c++) px[c] = (byte)Math.Clamp(Math.Round(acc[c] / total), 0, 255);
        }
    }
}
