namespace Depthwise.Vision.Codecs;

/// <summary>One image component of a JPEG frame (Y, Cb, Cr, C, M, ...): its sampling, sizes and decoded data.</summary>
internal sealed class JpegComponent
{
    /// <summary>The component identifier from the frame header (scans refer to components by it).</summary>
    public required int Id { get; init; }

    /// <summary>Position in the frame header.</summary>
    public required int Index { get; init; }

    /// <summary>Horizontal sampling factor (1..4).</summary>
    public required int H { get; init; }

    /// <summary>Vertical sampling factor (1..4).</summary>
    public required int V { get; init; }

    /// <summary>Quantization table slot (0..3).</summary>
    public required int QuantSlot { get; init; }

    /// <summary>Width of the component in samples: ceil(image width · H / Hmax).</summary>
    public int Width { get; set; }

    /// <summary>Height of the component in samples: ceil(image height · V / Vmax).</summary>
    public int Height { get; set; }

    /// <summary>Blocks per row in storage: whole MCUs (what an interleaved scan codes).</summary>
    public int BlocksWide { get; set; }

    /// <summary>Block rows in storage: whole MCUs.</summary>
    public int BlocksHigh { get; set; }

    /// <summary>Blocks per row a non-interleaved scan codes: ceil(Width / 8).</summary>
    public int BlocksWideUsed => (Width + 7) >> 3;

    /// <summary>Block rows a non-interleaved scan codes: ceil(Height / 8).</summary>
    public int BlocksHighUsed => (Height + 7) >> 3;

    /// <summary>The dequantization table (natural order), copied when the component's first scan starts, as libjpeg latches it.</summary>
    public int[]? Quant { get; set; }

    /// <summary>Decoded samples, <see cref="PlaneStride"/> bytes per row, BlocksHigh·8 rows.</summary>
    public byte[] Plane { get; set; } = [];

    /// <summary>Bytes per row of <see cref="Plane"/>.</summary>
    public int PlaneStride => BlocksWide * 8;

    /// <summary>Progressive mode: all coefficients, 64 per block (natural order), blocks row by row.</summary>
    public short[]? Coefficients { get; set; }

    /// <summary>The DC predictor of the current scan.</summary>
    public int DcPredictor { get; set; }

    /// <summary>Huffman table for DC in the current scan.</summary>
    public JpegHuffmanTable? DcTable { get; set; }

    /// <summary>Huffman table for AC in the current scan.</summary>
    public JpegHuffmanTable? AcTable { get; set; }
}
