namespace Depthwise.Vision.Preprocessing;

/// <summary>
/// libyuv's <c>ARGBScale</c> with <c>kFilterBilinear</c> (<see cref="InterpolationMode.Libyuv"/>: how the TFLite Task
/// Library resizes RGB frames), written from its arithmetic as it runs on x86-64 (SSE2/SSSE3/AVX2 row functions,
/// chosen as libyuv chooses them; libyuv 1857 and later behave this way). Every channel is treated alike, so any
/// number of interleaved 8-bit channels gives what ARGBScale gives on those channels.
/// <para>
/// libyuv first simplifies the filter (bilinear becomes linear when the height is unchanged, divided by 3 or 1;
/// linear becomes point sampling when the width is), then works in 16.16 fixed point: step dx = (src &lt;&lt; 16) / dst
/// and, when shrinking, start = dx / 2 − ½ (pixel centres); when enlarging, dx = ((src &lt;&lt; 16) − 0x10001) / (dst − 1)
/// and start 0 (corners). Then:
/// </para>
/// <list type="bullet">
/// <item>integer factors: 1:1 is a copy; both even (2, 4, 6...) average the 2 × 2 pixels at the sample position —
///   as pavg(pavg(a, c), pavg(b, d)) with pavg(p, q) = (p + q + 1) &gt;&gt; 1 for the first multiple of 4 output pixels
///   of a row, and (a + b + c + d + 2) &gt;&gt; 2 for the rest; both odd: point sampling;</item>
/// <item>width unchanged (at a whole pixel): vertical blend only, positions clamped to (h − 1)·2^16 − 1;</item>
/// <item>otherwise rows are blended with an 8-bit fraction f, ((256 − f)·a + f·b + 128) &gt;&gt; 8, and columns with a
///   7-bit fraction f, (a·(127 − f) + b·f) &gt;&gt; 7 (the weights sum to 127: libyuv's SSSE3 blender) — when shrinking
///   vertically the rows are blended first, when enlarging the columns first (two cached rows).</item>
/// </list>
/// </summary>
internal static class LibyuvScaler
{
    private enum Filter { None, Linear, Bilinear }

    /// <summary>
    /// Scales <paramref name="src"/> (<paramref name="srcWidth"/> × <paramref name="srcHeight"/> pixels of
    /// <paramref name="channels"/> bytes, rows <paramref name="srcStride"/> bytes apart) into
    /// <paramref name="dst"/> (<paramref name="dstWidth"/> × <paramref name="dstHeight"/>, rows packed).
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive or above 32768 (libyuv's limit), or a buffer is too small.</exception>
    public static void Scale(ReadOnlySpan<byte> src, int srcWidth, int srcHeight, int srcStride, int channels,
        Span<byte> dst, int dstWidth, int dstHeight)
    {
        if (srcWidth <= 0 || srcHeight <= 0 || dstWidth <= 0 || dstHeight <= 0 || srcWidth > 32768 || srcHeight > 32768
            || dstWidth > 32768 || dstHeight > 32768)
            throw new ArgumentException($"libyuv scaling from {srcWidth}x{srcHeight} to {dstWidth}x{dstHeight}: sizes must be 1..32768");
        if (channels is < 1 or > 4 || srcStride < srcWidth * channels || src.Length < (srcHeight - 1) * srcStride + srcWidth * channels
            || dst.Length < dstWidth * dstHeight * channels)
            throw new ArgumentException("libyuv scaling: buffers too small for the sizes");
        var s = new Plan(src, srcWidth, srcHeight, srcStride, channels, dst, dstWidth, dstHeight);
        s.Run();
    }

    private readonly ref struct Plan
    {
        private readonly ReadOnlySpan<byte> _src;
        private readonly Span<byte> _dst;
        private readonly int _sw, _sh, _stride, _c, _dw, _dh;

        public Plan(ReadOnlySpan<byte> src, int sw, int sh, int stride, int c, Span<byte> dst, int dw, int dh)
        {
            _src = src;
            _sw = sw;
            _sh = sh;
            _stride = stride;
            _c = c;
            _dst = dst;
            _dw = dw;
            _dh = dh;
        }

        private ReadOnlySpan<byte> SrcRow(int y) => _src.Slice(y * _stride, _sw * _c);

        private Span<byte> DstRow(int y) => _dst.Slice(y * _dw * _c, _dw * _c);

        public void Run()
        {
            var filter = Reduce(_sw, _sh, _dw, _dh);
            Slope(filter, out int x, out int y, out int dx, out int dy);
            if (((dx | dy) & 0xFFFF) == 0)
            {
                if (dx == 0 || dy == 0)
                {
                    filter = Filter.None;
                }
                else if ((dx & 0x10000) == 0 && (dy & 0x10000) == 0)
                {
                    if (dx == 0x20000) Down2(filter, x, y, dy);
                    else DownEven(filter, x, dx, y, dy);
                    return;
                }
                else if ((dx & 0x10000) != 0 && (dy & 0x10000) != 0)
                {
                    filter = Filter.None;
                    if (dx == 0x10000 && dy == 0x10000)
                    {
                        for (int j = 0; j < _dh; j++)
                            SrcRow((y >> 16) + j).Slice((x >> 16) * _c, _dw * _c).CopyTo(DstRow(j));
                        return;
                    }
                }
            }
            if (dx == 0x10000 && (x & 0xFFFF) == 0) Vertical(filter, x, y, dy);
            else if (filter != Filter.None && dy < 65536) BilinearUp(filter, x, dx, y, dy);
            else if (filter != Filter.None) BilinearDown(filter, x, dx, y, dy);
            else Simple(x, dx, y, dy);
        }

        /// <summary>ScaleFilterReduce for a bilinear request.</summary>
        private static Filter Reduce(int sw, int sh, int dw, int dh)
        {
            var f = Filter.Bilinear;
            if (sh == 1 || dh == sh || dh * 3 == sh) f = Filter.Linear;
            if (sw == 1) f = Filter.None;
            if (f == Filter.Linear && (sw == 1 || dw == sw || dw * 3 == sw)) f = Filter.None;
            return f;
        }

        private static int FixedDiv(int num, int div) => (int)(((long)num << 16) / div);

        private static int FixedDiv1(int num, int div) => (int)((((long)num << 16) - 0x10001) / (div - 1));

        private static int CenterStart(int d, int s) => d < 0 ? -((-d >> 1) + s) : (d >> 1) + s;

        /// <summary>ScaleSlope: start positions and steps in 16.16 fixed point.</summary>
        private void Slope(Filter filter, out int x, out int y, out int dx, out int dy)
        {
            x = y = dx = dy = 0;
            int sw = _sw, sh = _sh, dw = _dw, dh = _dh;
            if (filter == Filter.None)
            {
                dx = FixedDiv(sw, dw);
                dy = FixedDiv(sh, dh);
                x = CenterStart(dx, 0);
                y = CenterStart(dy, 0);
                return;
            }
            if (dw <= sw)
            {
                dx = FixedDiv(sw, dw);
                x = CenterStart(dx, -32768);
            }
            else if (sw > 1 && dw > 1)
            {
                dx = FixedDiv1(sw, dw);
            }
            if (filter == Filter.Linear)
            {
                dy = FixedDiv(sh, dh);
                y = dy >> 1;
            }
            else if (dh <= sh)
            {
                dy = FixedDiv(sh, dh);
                y = CenterStart(dy, -32768);
            }
            else if (sh > 1 && dh > 1)
            {
                dy = FixedDiv1(sh, dh);
            }
        }

        /// <summary>pavgb.</summary>
        private static int Avg(int a, int b) => (a + b + 1) >> 1;

        /// <summary>
        /// One output pixel from the 2 × 2 block at (p, p + 1) of rows r0, r1: the SSE2 kernel's nested averages for
        /// the first multiple-of-4 pixels of the row, the C kernel's rounded mean for the rest ("Any" wrappers).
        /// </summary>
        private void Box(ReadOnlySpan<byte> r0, ReadOnlySpan<byte> r1, int p, Span<byte> o, bool simd)
        {
            int c = _c;
            for (int k = 0; k < c; k++)
            {
                int a = r0[p * c + k], b = r0[(p + 1) * c + k], d0 = r1[p * c + k], d1 = r1[(p + 1) * c + k];
                o[k] = (byte)(simd ? Avg(Avg(a, d0), Avg(b, d1)) : (a + b + d0 + d1 + 2) >> 2);
            }
        }

        /// <summary>ScaleARGBDown2: a horizontal factor of exactly 2 (and an even vertical one).</summary>
        private void Down2(Filter filter, int x, int y, int dy)
        {
            int c = _c, rowStep = dy >> 16, simdCount = _dw & ~3;
            // Bilinear starts at column x >> 16; the others one pixel left of it (libyuv "advance to odd row, even column").
            int col = filter == Filter.Bilinear ? x >> 16 : (x >> 16) - 1;
            for (int j = 0; j < _dh; j++)
            {
                var r0 = SrcRow((y >> 16) + j * rowStep);
                var r1 = filter == Filter.Linear ? r0 : SrcRow(Math.Min((y >> 16) + j * rowStep + 1, _sh - 1));
                var o = DstRow(j);
                for (int i = 0; i < _dw; i++)
                {
                    int p = col + 2 * i;
                    if (filter == Filter.None) r0.Slice((p + 1) * c, c).CopyTo(o.Slice(i * c, c));
                    else Box(r0, r1, p, o.Slice(i * c, c), i < simdCount);
                }
            }
        }

        /// <summary>ScaleARGBDownEven: even integer factors other than a horizontal 2.</summary>
        private void DownEven(Filter filter, int x, int dx, int y, int dy)
        {
            int c = _c, colStep = dx >> 16, rowStep = dy >> 16, col = x >> 16, simdCount = _dw & ~3;
            for (int j = 0; j < _dh; j++)
            {
                var r0 = SrcRow((y >> 16) + j * rowStep);
                var r1 = filter == Filter.Linear ? r0 : SrcRow(Math.Min((y >> 16) + j * rowStep + 1, _sh - 1));
                var o = DstRow(j);
                for (int i = 0; i < _dw; i++)
                {
                    int p = col + i * colStep;
                    if (filter == Filter.None) r0.Slice(p * c, c).CopyTo(o.Slice(i * c, c));
                    else Box(r0, r1, p, o.Slice(i * c, c), i < simdCount);
                }
            }
        }

        /// <summary>InterpolateRow (C, SSSE3 and AVX2 agree): ((256 − f)·a + f·b + 128) &gt;&gt; 8; f = 0 copies row a.</summary>
        private static void InterpolateRow(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int f, Span<byte> o)
        {
            if (f == 0)
            {
                a.Slice(0, o.Length).CopyTo(o);
                return;
            }
            int g = 256 - f;
            for (int i = 0; i < o.Length; i++)
                o[i] = (byte)((a[i] * g + b[i] * f + 128) >> 8);
        }

        /// <summary>ScalePlaneVertical: columns as they are, rows blended; y clamped to (h − 1)·2^16 − 1.</summary>
        private void Vertical(Filter filter, int x, int y, int dy)
        {
            int c = _c, maxY = _sh > 1 ? ((_sh - 1) << 16) - 1 : 0, from = (x >> 16) * c, bytes = _dw * c;
            for (int j = 0; j < _dh; j++)
            {
                if (y > maxY) y = maxY;
                int yi = y >> 16, yf = filter != Filter.None ? (y >> 8) & 255 : 0;
                var a = SrcRow(yi).Slice(from, bytes);
                var b = yf == 0 ? a : SrcRow(yi + 1).Slice(from, bytes);
                InterpolateRow(a, b, yf, DstRow(j));
                y += dy;
            }
        }

        /// <summary>ScaleARGBFilterCols_SSSE3: (a·(127 − f) + b·f) &gt;&gt; 7 with f = bits 9..15 of the position.</summary>
        private void FilterCols(ReadOnlySpan<byte> row, int rowPixels, int x, int dx, Span<byte> o)
        {
            int c = _c;
            for (int j = 0; j < _dw; j++, x += dx)
            {
                int xi = x >> 16, f = (x >> 9) & 0x7F, g = 127 - f;
                int xb = Math.Min(xi + 1, rowPixels - 1); // only ever read with f = 0 (see Plan remarks)
                for (int k = 0; k < c; k++)
                    o[j * c + k] = (byte)((row[xi * c + k] * g + row[xb * c + k] * f) >> 7);
            }
        }

        /// <summary>ScaleARGBCols: point sampling of column x &gt;&gt; 16.</summary>
        private void Cols(ReadOnlySpan<byte> row, int x, int dx, Span<byte> o)
        {
            int c = _c;
            for (int j = 0; j < _dw; j++, x += dx)
                row.Slice((x >> 16) * c, c).CopyTo(o.Slice(j * c, c));
        }

        /// <summary>ScaleARGBBilinearDown: rows blended first (8-bit fraction), then columns; y clamped to (h − 1)·2^16.</summary>
        private void BilinearDown(Filter filter, int x, int dx, int y, int dy)
        {
            int maxY = (_sh - 1) << 16;
            var tmp = new byte[_sw * _c];
            if (y > maxY) y = maxY;
            for (int j = 0; j < _dh; j++)
            {
                int yi = y >> 16;
                if (filter == Filter.Linear)
                {
                    FilterCols(SrcRow(yi), _sw, x, dx, DstRow(j));
                }
                else
                {
                    int yf = (y >> 8) & 255;
                    InterpolateRow(SrcRow(yi), yf == 0 ? default : SrcRow(yi + 1), yf, tmp);
                    FilterCols(tmp, _sw, x, dx, DstRow(j));
                }
                y += dy;
                if (y > maxY) y = maxY;
            }
        }

        /// <summary>
        /// ScaleARGBBilinearUp: columns filtered into two cached rows (the upper and lower source row), then blended
        /// with an 8-bit fraction; the source row pointer advances as libyuv's does, stopping at the last row.
        /// </summary>
        private void BilinearUp(Filter filter, int x, int dx, int y, int dy)
        {
            int maxY = (_sh - 1) << 16, bytes = _dw * _c;
            var rows = new byte[2 * bytes];
            var buffer = rows.AsSpan();
            if (y > maxY) y = maxY;
            int yi = y >> 16, src = yi;
            FilterCols(SrcRow(src), _sw, x, dx, buffer.Slice(0, bytes));
            if (_sh > 1) src++;
            FilterCols(SrcRow(src), _sw, x, dx, buffer.Slice(bytes, bytes));
            if (_sh > 2) src++;
            int current = 0, step = 1, last = yi; // rowptr = buffer[current], rowptr + rowstride = buffer[current + step]
            for (int j = 0; j < _dh; j++)
            {
                yi = y >> 16;
                if (yi != last)
                {
                    if (y > maxY)
                    {
                        y = maxY;
                        yi = y >> 16;
                        src = yi;
                    }
                    if (yi != last)
                    {
                        FilterCols(SrcRow(src), _sw, x, dx, buffer.Slice(current * bytes, bytes));
                        current += step;
                        step = -step;
                        last = yi;
                        if (y + 65536 < maxY) src++;
                    }
                }
                var a = buffer.Slice(current * bytes, bytes);
                if (filter == Filter.Linear) a.CopyTo(DstRow(j));
                else InterpolateRow(a, buffer.Slice((current + step) * bytes, bytes), (y >> 8) & 255, DstRow(j));
                y += dy;
            }
        }

        /// <summary>ScaleARGBSimple: point sampling (rows y &gt;&gt; 16, unclamped as in libyuv).</summary>
        private void Simple(int x, int dx, int y, int dy)
        {
            for (int j = 0; j < _dh; j++, y += dy)
                Cols(SrcRow(Math.Min(y >> 16, _sh - 1)), x, dx, DstRow(j));
        }
    }
}
