using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// y[i] = table[x[i]] over bytes with a 256-entry table (<see cref="Q8LookupTable"/>). V512 uses AVX-512 VBMI's
/// two-register byte permute (VPERMI2B: 128 entries) twice and picks by the index's top bit, 64 bytes per step. V256
/// uses AVX2 VPSHUFB on the sixteen 16-entry rows of the table, selected by the high nibble, 32 bytes per step (about
/// twice as fast as the scalar loop). Narrower widths run the scalar loop, which a 128-bit shuffle would not beat.
/// </summary>
internal readonly unsafe struct Q8Lookup
{
    private readonly byte[] _table;
    private readonly Q8Isa _isa;

    /// <summary>A lookup through <paramref name="table"/> (256 entries) with vector width <paramref name="isa"/> (see <see cref="Effective"/>).</summary>
    public Q8Lookup(byte[] table, Q8Isa isa)
    {
        if (table.Length != 256) throw new ArgumentException("a lookup table has 256 entries", nameof(table));
        _table = table;
        _isa = Effective(isa);
    }

    /// <summary>The width this kernel really runs for a requested one: V512 needs VBMI, V256 AVX2; V128 runs scalar.</summary>
    public static Q8Isa Effective(Q8Isa isa) => isa switch
    {
        Q8Isa.V512 when Avx512Vbmi.IsSupported => Q8Isa.V512,
        Q8Isa.V512 or Q8Isa.V256 when Avx2.IsSupported => Q8Isa.V256,
        _ => Q8Isa.Scalar,
    };

    /// <summary>y[i] = table[x[i]] for i &lt; y.Length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(ReadOnlySpan<byte> x, Span<byte> y)
    {
        int n = y.Length;
        if (x.Length < n) throw new ArgumentException("input is shorter than the output");
        fixed (byte* px = x, py = y, t = _table)
        {
            int i = 0;
            if (_isa == Q8Isa.V512 && n >= 64)
            {
                var t0 = Vector512.Load(t);
                var t1 = Vector512.Load(t + 64);
                var t2 = Vector512.Load(t + 128);
                var t3 = Vector512.Load(t + 192);
                for (int last = n - 64; ; i = Math.Min(i + 64, last))
                {
                    var idx = Vector512.Load(px + i);
                    var low = Avx512Vbmi.PermuteVar64x8x2(t0, idx, t1);
                    var high = Avx512Vbmi.PermuteVar64x8x2(t2, idx, t3);
                    Vector512.ConditionalSelect(Vector512.LessThan(idx.AsSByte(), Vector512<sbyte>.Zero).AsByte(), high, low).Store(py + i);
                    if (i == last) break;
                }
                return;
            }
            if (_isa == Q8Isa.V256 && n >= 32)
            {
                var nibble = Vector256.Create((byte)0x0F);
                for (int last = n - 32; ; i = Math.Min(i + 32, last))
                {
                    var idx = Vector256.Load(px + i);
                    var low = idx & nibble;
                    var row = Vector256.ShiftRightLogical(idx.AsUInt16(), 4).AsByte() & nibble;
                    var result = Vector256<byte>.Zero;
                    for (int k = 0; k < 16; k++)
                    {
                        var entries = Vector256.Create(Vector128.Load(t + 16 * k));
                        result |= Avx2.Shuffle(entries, low) & Vector256.Equals(row, Vector256.Create((byte)k));
                    }
                    result.Store(py + i);
                    if (i == last) break;
                }
                return;
            }
            for (; i + 4 <= n; i += 4)
            {
                byte a = t[px[i]], b = t[px[i + 1]], c = t[px[i + 2]], d = t[px[i + 3]];
                py[i] = a; py[i + 1] = b; py[i + 2] = c; py[i + 3] = d;
            }
            for (; i < n; i++) py[i] = t[px[i]];
        }
    }
}
