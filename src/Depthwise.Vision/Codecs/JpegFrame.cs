namespace Depthwise.Vision.Codecs;

/// <summary>The frame header (SOF) of a JPEG image and the geometry derived from it.</summary>
internal sealed class JpegFrame
{
    /// <summary>Creates the frame and derives component sizes (T.81 A.1.1) and the MCU grid.</summary>
    public JpegFrame(int width, int height, bool progressive, JpegComponent[] components)
    {
        Width = width;
        Height = height;
        Progressive = progressive;
        Components = components;
        foreach (var c in components)
        {
            HMax = Math.Max(HMax, c.H);
            VMax = Math.Max(VMax, c.V);
        }
        McusWide = CeilDiv(width, 8 * HMax);
        McusHigh = CeilDiv(height, 8 * VMax);
        foreach (var c in components)
        {
            c.Width = (int)CeilDiv((long)width * c.H, HMax);
            c.Height = (int)CeilDiv((long)height * c.V, VMax);
            c.BlocksWide = McusWide * c.H;
            c.BlocksHigh = McusHigh * c.V;
        }
    }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>SOF2: progressive DCT (coefficients are kept until the last scan).</summary>
    public bool Progressive { get; }

    /// <summary>Whose inverse DCT, upsampling and colour conversion the frame is decoded with.</summary>
    public JpegCompatibility Compatibility { get; init; }

    /// <summary>Components in frame-header order.</summary>
    public JpegComponent[] Components { get; }

    /// <summary>Largest horizontal sampling factor.</summary>
    public int HMax { get; }

    /// <summary>Largest vertical sampling factor.</summary>
    public int VMax { get; }

    /// <summary>MCUs per row of an interleaved scan.</summary>
    public int McusWide { get; }

    /// <summary>MCU rows of an interleaved scan.</summary>
    public int McusHigh { get; }

    /// <summary>Bytes the sample planes (and, when progressive, the coefficients) will take.</summary>
    public long StorageBytes
    {
        get
        {
            long total = 0;
            foreach (var c in Components)
            {
                long samples = (long)c.BlocksWide * c.BlocksHigh * 64;
                total += Progressive ? samples * 3 : samples;
            }
            return total;
        }
    }

    /// <summary>Allocates the sample planes and, when progressive, the coefficient arrays.</summary>
    public void Allocate()
    {
        foreach (var c in Components)
        {
            long samples = (long)c.BlocksWide * c.BlocksHigh * 64;
            // Not zeroed: every sample that is ever read is written first (decoded blocks, or the gray fill of
            // components no scan reached); only the coefficients must start at zero.
            c.Plane = GC.AllocateUninitializedArray<byte>((int)samples);
            if (Progressive) c.Coefficients = new short[samples];
        }
    }

    private static int CeilDiv(int a, int b) => (int)(((long)a + b - 1) / b);

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
