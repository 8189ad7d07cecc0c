using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// Reads the entropy-coded segment of a JPEG scan MSB-first: removes stuffed zero bytes after 0xFF and stops at the
/// next marker. Past the marker (or the end of the data) it supplies zero bits; the first time the decoder actually
/// needs such a bit, <see cref="Insufficient"/> becomes true — libjpeg's "insufficient data" state, in which the
/// rest of the restart interval is left empty (zero coefficients) instead of decoding garbage.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;         // next byte to load
    private ulong _bits;      // left-aligned; bits below the top _count are always zero
    private int _count;       // valid bits in _bits
    private int _markerPos;   // offset of the 0xFF that starts the marker ending the segment (data length at EOF)
    private bool _hitMarker;  // no more bytes will be loaded in this segment

    /// <summary>Starts reading entropy-coded data at <paramref name="position"/>.</summary>
    public JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        _pos = position;
    }

    /// <summary>The decoder consumed bits beyond the end of the segment's data (they read as zeros).</summary>
    public bool Insufficient;

    /// <summary>Set when a decoded value was invalid (a bad Huffman code); libjpeg warns and decodes it as 0.</summary>
    public int Warnings;

    /// <summary>Where marker parsing resumes after the scan: the marker that ended the data, else the next unread byte.</summary>
    public readonly int Position => _hitMarker ? _markerPos : _pos;

    /// <summary>Offset of the next unread byte, for error messages.</summary>
    public readonly int ByteOffset => _pos;

    /// <summary>Decodes one Huffman symbol.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int DecodeHuffman(JpegHuffmanTable table)
    {
        if (_count < 16) Fill();
        int e = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.Fast), (nint)(_bits >> (64 - JpegHuffmanTable.LookaheadBits)));
        if (e != 0)
        {
            Skip(e >> 8);
            return e & 0xFF;
        }
        return DecodeSlow(table);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int DecodeSlow(JpegHuffmanTable table)
    {
        uint top = (uint)(_bits >> 48);
        for (int len = JpegHuffmanTable.LookaheadBits + 1; len <= 16; len++)
        {
            int code = (int)(top >> (16 - len));
            if (code <= table.MaxCode[len])
            {
                Skip(len);
                return table.Symbols[(code + table.ValOffset[len]) & 0xFF];
            }
        }
        // No code matches: libjpeg warns "bad Huffman code" and returns 0 (a DC difference of 0 or an AC end-of-block).
        Warnings++;
        Skip(16);
        return 0;
    }

    /// <summary>
    /// Decodes one AC coefficient when its code and magnitude bits fit the lookahead (most do): returns the
    /// <see cref="JpegHuffmanTable.FastAc"/> entry (value &lt;&lt; 16 | run &lt;&lt; 8 | bits) with the bits consumed, or 0 with nothing consumed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TryDecodeFastAc(JpegHuffmanTable table)
    {
        if (_count < 16) Fill();
        int e = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.FastAc), (nint)(_bits >> (64 - JpegHuffmanTable.LookaheadBits)));
        if (e != 0) Skip(e & 0xFF);
        return e;
    }

    /// <summary>Reads <paramref name="n"/> (0..16) bits as an unsigned number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetBits(int n)
    {
        if (n == 0) return 0;
        if (_count < n) Fill();
        int v = (int)(_bits >> (64 - n));
        Skip(n);
        return v;
    }

    /// <summary>Reads one bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetBit()
    {
        if (_count < 1) Fill();
        int v = (int)(_bits >> 63);
        Skip(1);
        return v;
    }

    /// <summary>Reads an <paramref name="s"/>-bit magnitude category value and sign-extends it (T.81 F.2.2.1 EXTEND).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReceiveExtend(int s)
    {
        if (s == 0) return 0;
        if (_count < s) Fill();
        int v = (int)(_bits >> (64 - s));
        Skip(s);
        return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Skip(int n)
    {
        if (n > _count)
        {
            // Ran past the end of the segment: the missing bits were zeros.
            Insufficient = true;
            _bits = 0;
            _count = 0;
            return;
        }
        _bits <<= n;
        _count -= n;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private void Fill()
    {
        var data = _data;
        if (!_hitMarker && _pos <= data.Length - 8)
        {
            // Eight bytes at once when none of them is 0xFF (no stuffing, no marker): the common case.
            ulong v = BinaryPrimitives.ReadUInt64BigEndian(data.Slice(_pos, 8));
            ulong inv = ~v;
            if (((inv - 0x0101010101010101UL) & ~inv & 0x8080808080808080UL) == 0)
            {
                int take = (63 - _count) >> 3;
                _bits |= v >> _count;
                _count += take * 8;
                _pos += take;
                _bits &= ~(ulong.MaxValue >> _count); // drop the partial byte beyond the bytes taken
                return;
            }
        }
        while (_count <= 56 && !_hitMarker)
        {
            if (_pos >= data.Length)
            {
                _hitMarker = true;
                _markerPos = data.Length;
                return;
            }
            uint b = data[_pos];
            if (b == 0xFF)
            {
                int p = _pos + 1;
                while (p < data.Length && data[p] == 0xFF) p++; // fill bytes
                if (p < data.Length && data[p] == 0)
                {
                    _pos = p + 1; // stuffed 0xFF 0x00 is a data byte 0xFF
                }
                else
                {
                    _hitMarker = true;
                    _markerPos = p - 1;
                    return;
                }
            }
            else
            {
                _pos++;
            }
            _bits |= (ulong)b << (56 - _count);
            _count += 8;
        }
    }

    /// <summary>
    /// At a restart-interval boundary: drops the partial byte, then finds the RSTn marker with n =
    /// <paramref name="expected"/> and resumes after it. When the data lost or garbled the marker it resynchronizes
    /// like libjpeg: an RST one or two intervals ahead (or any other marker) is left in place so the coming intervals
    /// decode as empty until the numbers agree again; an RST one or two behind is discarded along with the bytes up to
    /// the next marker; any other RST is taken as the expected one. Returns false when the marker was not the expected one.
    /// <see cref="Insufficient"/> is cleared only when a marker was consumed (libjpeg's process_restart).
    /// </summary>
    public bool ProcessRestart(int expected)
    {
        _bits = 0;
        _count = 0;
        int p = _hitMarker ? _markerPos : _pos;
        _hitMarker = false;
        var data = _data;
        while (true)
        {
            int code = FindMarker(data, ref p);
            if (code < 0)
            {
                _hitMarker = true;
                _markerPos = data.Length;
                _pos = data.Length;
                return false;
            }
            int action;
            if (code < 0xC0) action = 2; // not a valid marker: skip it
            else if (code < 0xD0 || code > 0xD7) action = 3; // a real marker: the scan's data ended early
            else
            {
                int n = code - 0xD0;
                if (n == ((expected + 1) & 7) || n == ((expected + 2) & 7)) action = 3;
                else if (n == ((expected - 1) & 7) || n == ((expected - 2) & 7)) action = 2;
                else action = 1;
            }
            if (action == 1)
            {
                // Only a consumed marker clears the out-of-data state; when a marker is left in place the next
                // interval is empty, and after data that already ran out it stays gray rather than decoding zeros.
                Insufficient = false;
                _pos = p + 2;
                return code - 0xD0 == expected;
            }
            if (action == 3)
            {
                _hitMarker = true;
                _markerPos = p;
                _pos = p;
                return false;
            }
            p += 2;
        }
    }

    /// <summary>
    /// Finds the next marker at or after <paramref name="p"/>, skipping any other bytes (including stuffed 0xFF 0x00)
    /// and fill bytes. Leaves <paramref name="p"/> at the 0xFF right before the marker code and returns the code, or −1
    /// at the end of the data.
    /// </summary>
    public static int FindMarker(ReadOnlySpan<byte> data, ref int p)
    {
        while (p < data.Length)
        {
            if (data[p] != 0xFF)
            {
                p++;
                continue;
            }
            int q = p + 1;
            while (q < data.Length && data[q] == 0xFF) q++;
            if (q >= data.Length)
            {
                p = data.Length;
                return -1;
            }
            if (data[q] != 0)
            {
                p = q - 1;
                return data[q];
            }
            p = q + 1;
        }
        return -1;
    }
}
