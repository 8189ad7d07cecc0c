using System.Buffers.Binary;
using System.Text;

namespace Depthwise.Tests.Formats.TFLite;

/// <summary>Writes a FlexBuffer whose root is a map of int, float and bool scalars (all 4 bytes wide), keys sorted.</summary>
internal static class FlexBufferBuilder
{
    public static byte[] Map(params (string Key, object Value)[] entries)
    {
        const int w = 4;
        var sorted = entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToArray();
        var b = new List<byte>();
        var keyPos = new int[sorted.Length];
        for (int i = 0; i < sorted.Length; i++)
        {
            keyPos[i] = b.Count;
            b.AddRange(Encoding.UTF8.GetBytes(sorted[i].Key));
            b.Add(0);
        }
        Align(b, w);
        U32(b, (uint)sorted.Length);
        int keys = b.Count;
        for (int i = 0; i < sorted.Length; i++) U32(b, (uint)(b.Count - keyPos[i]));
        int keysField = b.Count;
        U32(b, (uint)(keysField - keys));
        U32(b, w);
        U32(b, (uint)sorted.Length);
        int map = b.Count;
        var types = new byte[sorted.Length];
        for (int i = 0; i < sorted.Length; i++)
        {
            switch (sorted[i].Value)
            {
                case int v: I32(b, v); types[i] = 1 << 2 | 2; break;
                case float v: F32(b, v); types[i] = 3 << 2 | 2; break;
                case bool v: U32(b, v ? 1u : 0u); types[i] = 26 << 2 | 2; break;
                default: throw new ArgumentException($"unsupported value {sorted[i].Value}");
            }
        }
        b.AddRange(types);
        int root = b.Count;
        U32(b, (uint)(root - map));
        b.Add(9 << 2 | 2);
        b.Add(w);
        return b.ToArray();
    }

    private static void Align(List<byte> b, int n)
    {
        while (b.Count % n != 0) b.Add(0);
    }

    private static void U32(List<byte> b, uint v)
    {
        Span<byte> s = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(s, v);
        b.AddRange(s.ToArray());
    }

    private static void I32(List<byte> b, int v) => U32(b, unchecked((uint)v));

    private static void F32(List<byte> b, float v) => U32(b, BitConverter.SingleToUInt32Bits(v));
}
