using System.Buffers.Binary;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// Walks the markers of a JPEG file: tables, frame header, application segments, and the scans, which it hands to
/// <see cref="JpegScanDecoder"/>. Every length is checked against the data before it is used. Problems that make the
/// image undecodable throw <see cref="ImageFormatException"/> with the byte offset; problems libjpeg only warns about
/// (garbage between markers, data ending inside or after the first scan, lost restart markers, bad Huffman codes)
/// are counted in <see cref="Warnings"/> and decoding goes on as libjpeg does.
/// </summary>
internal ref struct JpegParser
{
    /// <summary>More scans than this are refused: each scan walks the whole image, so a flood of tiny scans is a decode bomb.</summary>
    public const int MaxScans = 1000;

    private readonly ReadOnlySpan<byte> _data;
    private readonly string? _file;
    private readonly long _maxPixels;
    private readonly JpegCompatibility _compatibility;
    private readonly int[]?[] _quant = new int[]?[4];
    private readonly JpegHuffmanTable?[] _dcTables = new JpegHuffmanTable?[4];
    private readonly JpegHuffmanTable?[] _acTables = new JpegHuffmanTable?[4];
    private readonly List<string> _warnings = [];
    private int _pos;
    private int _restartInterval;
    private bool _exifSeen;
    private bool _headerOnly;
    private bool[] _componentDecoded = [];

    /// <summary>Prepares to parse <paramref name="data"/>, decoding as <paramref name="compatibility"/> says.</summary>
    public JpegParser(ReadOnlySpan<byte> data, long maxPixels, string? file, JpegCompatibility compatibility = JpegCompatibility.LibJpegTurbo)
    {
        _data = data;
        _file = file;
        _maxPixels = maxPixels;
        _compatibility = compatibility;
    }

    /// <summary>The frame header, once read.</summary>
    public JpegFrame? Frame { get; private set; }

    /// <summary>An APP0 "JFIF" segment was present (implies YCbCr for three components).</summary>
    public bool SawJfif { get; private set; }

    /// <summary>The Adobe APP14 color transform (0 none, 1 YCbCr, 2 YCCK), or −1 without that segment.</summary>
    public int AdobeTransform { get; private set; } = -1;

    /// <summary>stb_image's reading of APP0: at least 5 bytes starting "JFIF\0" (libjpeg needs 14).</summary>
    public bool StbJfif { get; private set; }

    /// <summary>stb_image's reading of APP14: at least 12 bytes starting "Adobe\0"; the last one's transform, or −1.</summary>
    public int StbAdobeTransform { get; private set; } = -1;

    /// <summary>EXIF orientation 1..8 (1 when absent).</summary>
    public int Orientation { get; private set; } = 1;

    /// <summary>Scans decoded.</summary>
    public int ScanCount { get; private set; }

    /// <summary>What libjpeg would have warned about (first few), e.g. data that ended early.</summary>
    public readonly IReadOnlyList<string> Warnings => _warnings;

    private readonly ImageFormatException Error(string message, long offset) => new(message, _file, offset);

    private readonly void Warn(string message)
    {
        if (_warnings.Count < 20) _warnings.Add(message);
    }

    /// <summary>
    /// Parses the file; with <paramref name="headerOnly"/> stops at the first scan (after the frame header and the
    /// application segments before it), else decodes every scan until EOI or the end of the data.
    /// </summary>
    public void Run(bool headerOnly)
    {
        _headerOnly = headerOnly;
        var d = _data;
        if (d.Length < 2 || d[0] != 0xFF || d[1] != 0xD8)
            throw Error("not a JPEG file (no SOI marker 0xFFD8 at the start)", 0);
        _pos = 2;
        while (true)
        {
            int p = _pos;
            int code = JpegBitReader.FindMarker(d, ref p);
            if (code < 0)
            {
                EndOfData();
                return;
            }
            if (p != _pos) Warn($"{p - _pos} extraneous bytes before marker 0x{code:X2} at byte {p}");
            int at = p;
            _pos = p + 2;
            switch (code)
            {
                case 0xC0:
                case 0xC1:
                case 0xC2:
                    if (!TrySegment(at, out var sof)) return;
                    ReadFrame(sof, at, progressive: code == 0xC2);
                    break;
                case 0xC3 or 0xC7 or 0xCB or 0xCF:
                    throw Error($"lossless JPEG is not supported (SOF{code - 0xC0})", at);
                case 0xC5 or 0xC6 or 0xDE or 0xDF:
                    throw Error($"hierarchical JPEG (marker 0x{code:X2}) is not supported", at);
                case 0xC9 or 0xCA or 0xCD or 0xCE:
                    throw Error($"arithmetic-coded JPEG is not supported (SOF{code - 0xC0})", at);
                case 0xC8 or (>= 0xF0 and <= 0xFD):
                    throw Error($"JPEG extension marker 0x{code:X2} (e.g. JPEG-LS) is not supported", at);
                case 0xC4:
                    if (!TrySegment(at, out var dht)) return;
                    ReadHuffmanTables(dht, at + 4);
                    break;
                case 0xDB:
                    if (!TrySegment(at, out var dqt)) return;
                    ReadQuantTables(dqt, at + 4);
                    break;
                case 0xDD:
                    if (!TrySegment(at, out var dri)) return;
                    if (dri.Length != 2) throw Error($"DRI segment has {dri.Length + 2} length bytes (expected 4)", at);
                    _restartInterval = BinaryPrimitives.ReadUInt16BigEndian(dri);
                    break;
                case 0xDA:
                    if (headerOnly)
                    {
                        if (Frame is null) throw Error("scan (SOS) before the frame header (SOF)", at);
                        return;
                    }
                    if (!TrySegment(at, out var sos)) return;
                    ReadScan(sos, at);
                    break;
                case 0xD9:
                    if (ScanCount == 0) throw Error("end of image (EOI) before any scan: no image data", at);
                    return;
                case 0xD8:
                    throw Error("second start-of-image (SOI) marker", at);
                case 0x01 or (>= 0xD0 and <= 0xD7):
                    break; // parameterless (TEM, stray RSTn): libjpeg ignores them
                case 0xE0:
                    if (!TrySegment(at, out var app0)) return;
                    if (app0.Length >= 14 && app0.StartsWith("JFIF\0"u8)) SawJfif = true; // libjpeg needs the full 14 bytes
                    if (app0.Length >= 5 && app0.StartsWith("JFIF\0"u8)) StbJfif = true;
                    break;
                case 0xE1:
                    if (!TrySegment(at, out var app1)) return;
                    if (!_exifSeen && app1.StartsWith("Exif\0\0"u8))
                    {
                        _exifSeen = true;
                        Orientation = JpegExifOrientation.Parse(app1);
                    }
                    break;
                case 0xEE:
                    if (!TrySegment(at, out var app14)) return;
                    if (app14.Length >= 12 && app14.StartsWith("Adobe"u8)) AdobeTransform = app14[11];
                    if (app14.Length >= 12 && app14.StartsWith("Adobe\0"u8)) StbAdobeTransform = app14[11];
                    break;
                case (>= 0xE2 and <= 0xEF) or 0xFE or 0xCC or 0xDC:
                    // Other APPn, COM, DAC (arithmetic conditioning; harmless without arithmetic SOF), DNL: skip.
                    if (!TrySegment(at, out _)) return;
                    break;
                default:
                    throw Error($"unknown marker 0x{code:X2}", at);
            }
        }
    }

    /// <summary>The data ended without EOI: fine once a scan has been decoded (the rest stays as decoded), else an error.</summary>
    private void EndOfData()
    {
        if (ScanCount == 0)
            throw Error(Frame is null ? "truncated JPEG: the data ends before the frame header" : "truncated JPEG: the data ends before the first scan", _data.Length);
        Warn($"premature end of JPEG data at byte {_data.Length} (no EOI marker)");
    }

    /// <summary>
    /// Reads the length-prefixed segment of the marker at <paramref name="at"/> and moves past it. When it runs past
    /// the end of the data: before any scan this throws; after one it ends the parse (returns false).
    /// </summary>
    private bool TrySegment(int at, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        var d = _data;
        if (_pos + 2 > d.Length || _pos + BinaryPrimitives.ReadUInt16BigEndian(d.Slice(_pos, 2)) > d.Length)
        {
            if (ScanCount == 0) throw Error($"truncated JPEG: the segment of marker 0x{d[at + 1]:X2} runs past the end of the data", at);
            Warn($"premature end of JPEG data inside the segment of marker 0x{d[at + 1]:X2} at byte {at}");
            return false;
        }
        int length = BinaryPrimitives.ReadUInt16BigEndian(d.Slice(_pos, 2));
        if (length < 2) throw Error($"segment length {length} of marker 0x{d[at + 1]:X2} is below 2", at + 2);
        payload = d.Slice(_pos + 2, length - 2);
        _pos += length;
        return true;
    }

    private void ReadFrame(ReadOnlySpan<byte> s, int at, bool progressive)
    {
        if (Frame is not null) throw Error("second frame header (SOF)", at);
        if (s.Length < 6) throw Error($"frame header too short ({s.Length + 2} length bytes)", at);
        int precision = s[0];
        int height = BinaryPrimitives.ReadUInt16BigEndian(s.Slice(1, 2));
        int width = BinaryPrimitives.ReadUInt16BigEndian(s.Slice(3, 2));
        int count = s[5];
        if (precision != 8)
            throw Error($"{precision}-bit JPEG samples are not supported (only 8-bit)", at + 4);
        if (height == 0)
            throw Error("image height 0 in the frame header (a height given later by a DNL marker is not supported)", at + 5);
        if (width == 0) throw Error("image width 0 in the frame header", at + 7);
        if (s.Length != 6 + 3 * count)
            throw Error($"frame header of {count} components has {s.Length + 2} length bytes (expected {8 + 3 * count})", at);
        if (count is not (1 or 3 or 4))
            throw Error($"JPEG with {count} components is not supported (1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK)", at + 9);

        var comps = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            int o = 6 + 3 * i;
            int id = s[o], h = s[o + 1] >> 4, v = s[o + 1] & 15, tq = s[o + 2];
            if (h is < 1 or > 4 || v is < 1 or > 4)
                throw Error($"component {id} has sampling factors {h}x{v} (each must be 1..4)", at + 4 + o + 1);
            if (tq > 3) throw Error($"component {id} uses quantization table {tq} (0..3)", at + 4 + o + 2);
            for (int j = 0; j < i; j++)
                if (comps[j].Id == id) throw Error($"component id {id} appears twice in the frame header", at + 4 + o);
            comps[i] = new JpegComponent { Id = id, Index = i, H = h, V = v, QuantSlot = tq };
        }

        long pixels = (long)width * height;
        if (pixels > _maxPixels)
            throw Error($"a {width}x{height} image has {pixels} pixels, above the limit of {_maxPixels}", at + 5);
        var frame = new JpegFrame(width, height, progressive, comps) { Compatibility = _compatibility };
        foreach (var c in comps)
        {
            if (frame.HMax % c.H != 0 || frame.VMax % c.V != 0)
                throw Error($"component {c.Id} has sampling {c.H}x{c.V} against a maximum of {frame.HMax}x{frame.VMax}: fractional upsampling is not supported", at);
            if (!_headerOnly && (long)c.BlocksWide * c.BlocksHigh * 64 > Array.MaxLength)
                throw Error($"a {width}x{height} image is too large to decode", at + 5);
        }
        // Identify only reports the size; decoding must also fit the output in one array.
        if (!_headerOnly) Image.CheckSize(width, height, count == 1 ? PixelFormat.Gray8 : PixelFormat.Rgb24, _maxPixels);
        Frame = frame;
        _componentDecoded = new bool[count];
    }

    private void ReadHuffmanTables(ReadOnlySpan<byte> s, int offset)
    {
        Span<byte> counts = stackalloc byte[16];
        int p = 0;
        while (p < s.Length)
        {
            int tc = s[p] >> 4, th = s[p] & 15;
            if (tc > 1 || th > 3) throw Error($"Huffman table class {tc} / slot {th} (class 0..1, slot 0..3)", offset + p);
            if (p + 17 > s.Length) throw Error("DHT segment ends inside a table's code counts", offset + p);
            s.Slice(p + 1, 16).CopyTo(counts);
            int total = 0;
            foreach (byte b in counts) total += b;
            if (total > 256) throw Error($"Huffman table has {total} codes (at most 256)", offset + p);
            if (p + 17 + total > s.Length) throw Error("DHT segment ends inside a table's symbols", offset + p);
            var table = JpegHuffmanTable.Build(counts, s.Slice(p + 17, total), tc == 0, offset + p, _file);
            (tc == 0 ? _dcTables : _acTables)[th] = table;
            p += 17 + total;
        }
    }

    private readonly void ReadQuantTables(ReadOnlySpan<byte> s, int offset)
    {
        var natural = JpegScanDecoder.NaturalOrder;
        int p = 0;
        while (p < s.Length)
        {
            int pq = s[p] >> 4, tq = s[p] & 15;
            if (pq > 1 || tq > 3) throw Error($"quantization table precision {pq} / slot {tq} (precision 0..1, slot 0..3)", offset + p);
            int n = pq == 0 ? 64 : 128;
            if (p + 1 + n > s.Length) throw Error("DQT segment ends inside a table", offset + p);
            var table = new int[64];
            for (int i = 0; i < 64; i++)
                table[natural[i]] = pq == 0 ? s[p + 1 + i] : BinaryPrimitives.ReadUInt16BigEndian(s.Slice(p + 1 + 2 * i, 2));
            _quant[tq] = table;
            p += 1 + n;
        }
    }

    private void ReadScan(ReadOnlySpan<byte> s, int at)
    {
        var frame = Frame ?? throw Error("scan (SOS) before the frame header (SOF)", at);
        if (ScanCount >= MaxScans) throw Error($"more than {MaxScans} scans", at);
        int n = s.Length > 0 ? s[0] : 0;
        if (n is < 1 or > 4 || s.Length != 4 + 2 * n)
            throw Error($"scan header of {n} components has {s.Length + 2} length bytes (1..4 components, {6 + 2 * n} bytes)", at);
        var scan = new JpegComponent[n];
        int blocksPerMcu = 0;
        for (int i = 0; i < n; i++)
        {
            int id = s[1 + 2 * i], td = s[2 + 2 * i] >> 4, ta = s[2 + 2 * i] & 15;
            var c = Array.Find(frame.Components, x => x.Id == id)
                ?? throw Error($"scan refers to component {id}, which the frame header does not define", at + 5 + 2 * i);
            if (Array.IndexOf(scan, c) >= 0) throw Error($"component {id} appears twice in one scan", at + 5 + 2 * i);
            if (td > 3 || ta > 3) throw Error($"component {id} uses Huffman tables {td}/{ta} (0..3)", at + 6 + 2 * i);
            scan[i] = c;
            blocksPerMcu += c.H * c.V;
            c.DcTable = _dcTables[td];
            c.AcTable = _acTables[ta];
        }
        if (n > 1 && blocksPerMcu > 10)
            throw Error($"interleaved scan has {blocksPerMcu} blocks per MCU (at most 10)", at + 4);
        int ss = s[1 + 2 * n], se = s[2 + 2 * n], ah = s[3 + 2 * n] >> 4, al = s[3 + 2 * n] & 15;

        if (frame.Progressive)
        {
            bool bad = ss == 0 ? se != 0 : se < ss || se > 63 || n != 1;
            if (ah != 0 && al != ah - 1) bad = true;
            if (al > 13) bad = true;
            if (bad) throw Error($"invalid progressive scan parameters Ss={ss} Se={se} Ah={ah} Al={al} over {n} components", at + 5 + 2 * n);
        }

        // Missing Huffman tables: libjpeg-turbo supplies the standard tables (annex K) in slots 0 and 1 of a
        // sequential frame, for Motion-JPEG frames that leave them out.
        for (int i = 0; i < n; i++)
        {
            var c = scan[i];
            int td = s[2 + 2 * i] >> 4, ta = s[2 + 2 * i] & 15;
            bool needDc = !frame.Progressive || (ss == 0 && ah == 0);
            bool needAc = !frame.Progressive || ss > 0;
            if (needDc && c.DcTable is null)
            {
                if (!frame.Progressive && td < 2) c.DcTable = _dcTables[td] = JpegHuffmanTable.StandardDc(td);
                else throw Error($"scan uses DC Huffman table {td}, which is not defined", at + 6 + 2 * i);
            }
            if (needAc && c.AcTable is null)
            {
                if (!frame.Progressive && ta < 2) c.AcTable = _acTables[ta] = JpegHuffmanTable.StandardAc(ta);
                else throw Error($"scan uses AC Huffman table {ta}, which is not defined", at + 6 + 2 * i);
            }
            if (c.Quant is null)
            {
                var q = _quant[c.QuantSlot] ?? throw Error($"component {c.Id} uses quantization table {c.QuantSlot}, which is not defined", at);
                c.Quant = (int[])q.Clone();
            }
        }

        if (ScanCount == 0) frame.Allocate();
        var result = frame.Progressive
            ? JpegScanDecoder.DecodeProgressive(_data, _pos, frame, scan, _restartInterval, ss, se, ah, al)
            : JpegScanDecoder.DecodeSequential(_data, _pos, frame, scan, _restartInterval);
        foreach (var c in scan) _componentDecoded[c.Index] = true;
        ScanCount++;
        if (result.RanOutOfData) Warn($"scan {ScanCount} at byte {at}: the entropy-coded data ended early (the rest of the scan is left empty)");
        if (result.Warnings > 0) Warn($"scan {ScanCount} at byte {at}: {result.Warnings} corrupt Huffman codes or restart markers");
        _pos = Math.Max(result.Position, _pos);
    }

    /// <summary>
    /// Components no scan reached (the file ended early) decode as mid-gray, like all-zero coefficients. A progressive
    /// frame is dequantized here: with the tables latched at each component's first scan (libjpeg), or, for
    /// stb_image, with the tables defined at the end of the file.
    /// </summary>
    public readonly void FinishPlanes()
    {
        var frame = Frame!;
        for (int i = 0; i < frame.Components.Length; i++)
        {
            var c = frame.Components[i];
            if (frame.Progressive)
            {
                var quant = c.Quant is not null && frame.Compatibility == JpegCompatibility.StbImage ? _quant[c.QuantSlot] : c.Quant;
                JpegScanDecoder.TransformCoefficients(c, quant, frame.Compatibility == JpegCompatibility.StbImage);
            }
            else if (!_componentDecoded[i]) c.Plane.AsSpan().Fill(128);
        }
    }
}
