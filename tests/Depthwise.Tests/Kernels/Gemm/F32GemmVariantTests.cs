using Depthwise.Kernels;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Depthwise.Kernels.Gemm;
using Xunit.Abstractions;

namespace Depthwise.Tests.Kernels.Gemm;

/// <summary>
/// Every catalog variant against <see cref="F32GemmReference"/> (convention 2), run on whatever ISA the process
/// allows; test.sh re-runs this class with AVX-512, AVX2 and all intrinsics switched off (convention 8).
/// </summary>
public sealed class F32GemmVariantTests(ITestOutputHelper output)
{
    /// <summary>
    /// The variants this process can run. Unsupported ones are left out rather than skipped, so the ISA-off runs
    /// do not flood the log; <see cref="CatalogHonoursIsaSwitches"/> prints and checks which ones those are.
    /// </summary>
    public static TheoryData<string> Variants()
    {
        var data = new TheoryData<string>();
        foreach (var v in GemmCatalog.Supported) data.Add(v.Name);
        return data;
    }

    private static readonly FusedEpilogue[] Epilogues =
    [
        FusedEpilogue.Linear, FusedEpilogue.Relu, FusedEpilogue.Relu6, FusedEpilogue.Clamp(-0.5f, 0.25f),
        FusedEpilogue.HardSwish,
    ];

    private F32GemmVariant Require(string name)
    {
        var v = GemmCatalog.Find(name) ?? throw new InvalidOperationException(name);
        Assert.True(v.IsSupported, name);
        output.WriteLine($"running {v.Name} (MR={v.MR}, NR={v.NR}, {v.Isa}); best here: {GemmCatalog.Best.Name}");
        return v;
    }

    /// <summary>
    /// The DOTNET_Enable* switches reach the catalog, so the ISA-off test runs really exercise the narrower paths.
    /// .NET 10 merged AVX512F/BW/CD/DQ/VL into one ISA: its switch is <c>DOTNET_EnableAVX512</c>, and the older
    /// <c>DOTNET_EnableAVX512F</c> is ignored (the test output says so when only that one is set).
    /// </summary>
    [Fact]
    public void CatalogHonoursIsaSwitches()
    {
        static bool Off(string knob) => Environment.GetEnvironmentVariable("DOTNET_" + knob) == "0";
        output.WriteLine("supported: " + string.Join(", ", GemmCatalog.Supported.Select(v => v.Name)) +
            $"; best: {GemmCatalog.Best.Name}; switched off: " +
            string.Join(" ", new[] { "EnableHWIntrinsic", "EnableAVX2", "EnableAVX512", "EnableAVX512F" }.Where(Off)));

        foreach (var v in GemmCatalog.All)
        {
            bool expected = v.Isa switch
            {
                GemmIsa.V512 => Avx512F.IsSupported,
                GemmIsa.V256 => Avx2.IsSupported && Fma.IsSupported,
                GemmIsa.V128 => Vector128.IsHardwareAccelerated,
                _ => true,
            };
            Assert.Equal(expected, v.IsSupported);
        }
        Assert.Same(GemmCatalog.Supported[0], GemmCatalog.Best);
        Assert.Equal(GemmCatalog.Supported.Max(v => v.Isa), GemmCatalog.Best.Isa);
        Assert.Contains(GemmCatalog.All, v => v.Isa == GemmIsa.Scalar && v.IsSupported);
        if (Off("EnableHWIntrinsic")) Assert.Equal(GemmIsa.Scalar, GemmCatalog.Best.Isa);
        if (Off("EnableAVX2")) Assert.True(GemmCatalog.Best.Isa <= GemmIsa.V128, GemmCatalog.Best.Name);
        if (Off("EnableAVX512")) Assert.True(GemmCatalog.Best.Isa <= GemmIsa.V256, GemmCatalog.Best.Name);
        if (Off("EnableAVX512F") && !Off("EnableAVX512") && Avx512F.IsSupported)
            output.WriteLine("note: DOTNET_EnableAVX512F=0 has no effect on this runtime; use DOTNET_EnableAVX512=0");
    }

    [Fact]
    public void NamesFollowTheKernelGrammar()
    {
        foreach (var v in GemmCatalog.All)
            Assert.Equal($"F32GemmMinMax_{v.MR}x{v.NR}_{v.Isa}", v.Name);
        Assert.Equal(GemmCatalog.All.Count, GemmCatalog.All.Select(v => v.Name).Distinct().Count());
    }

    /// <summary>M 1..20 × N 1..70 (every size around every tile), K, padding, bias, residual and epilogue rotating.</summary>
    [Theory, MemberData(nameof(Variants))]
    public void SmallShapesMatchReference(string name)
    {
        var v = Require(name);
        int[] ks = [1, 2, 3, 5, 8, 17, 32, 40];
        int n = 0;
        for (int m = 1; m <= 20; m++)
        {
            for (int nn = 1; nn <= 70; nn++, n++)
            {
                var tc = new GemmTestCase
                {
                    M = m, N = nn, K = ks[n % ks.Length], PadA = n % 3, PadC = n % 5 == 0 ? 0 : 3, PadR = n % 2,
                    Bias = n % 4 != 1, Residual = n % 3 == 2, TransposedB = n % 7 == 3,
                    Epilogue = Epilogues[n % Epilogues.Length], Seed = n,
                }.Build();
                tc.AssertMatches(tc.Run(v), v.Name);
            }
        }
    }

    /// <summary>K 0..40 on tile-edge M and N, every epilogue.</summary>
    [Theory, MemberData(nameof(Variants))]
    public void EveryKMatchesReference(string name)
    {
        var v = Require(name);
        int[] ms = [1, v.MR - 1, v.MR, v.MR + 1, 2 * v.MR + 1];
        int[] ns = [1, v.NR - 1, v.NR, v.NR + 1, 2 * v.NR + 3];
        int seed = 0;
        for (int k = 0; k <= 40; k++)
            foreach (int m in ms.Where(x => x > 0))
                foreach (int n in ns.Where(x => x > 0))
                {
                    var tc = new GemmTestCase
                    {
                        M = m, N = n, K = k, PadA = 1, PadC = 2, Residual = seed % 2 == 0,
                        Epilogue = Epilogues[seed % Epilogues.Length], Seed = ++seed,
                    }.Build();
                    tc.AssertMatches(tc.Run(v), v.Name);
                }
    }

    /// <summary>Every combination of epilogue × bias × residual × A stride × B layout on one awkward shape.</summary>
    [Theory, MemberData(nameof(Variants))]
    public void EveryEpilogueCombinationMatchesReference(string name)
    {
        var v = Require(name);
        int seed = 0;
        foreach (var ep in Epilogues)
            foreach (bool bias in new[] { false, true })
                foreach (bool residual in new[] { false, true })
                    foreach (int padA in new[] { 0, 5 })
                        foreach (bool transB in new[] { false, true })
                        {
                            var tc = new GemmTestCase
                            {
                                M = 13, N = 37, K = 19, PadA = padA, PadC = 1, PadR = 4, Bias = bias,
                                Residual = residual, TransposedB = transB, Epilogue = ep, Seed = ++seed,
                            }.Build();
                            tc.AssertMatches(tc.Run(v), v.Name);
                        }
    }

    /// <summary>Real MobileNet pointwise shapes: 112²×32→16, 7²×960→160 (with residual), and the 1280→1000 classifier.</summary>
    [Theory, MemberData(nameof(Variants))]
    public void MobileNetShapesMatchReference(string name)
    {
        var v = Require(name);
        var cases = new[]
        {
            new GemmTestCase { M = 112 * 112, K = 32, N = 16, Epilogue = FusedEpilogue.Relu6, Seed = 1 },
            new GemmTestCase { M = 7 * 7, K = 960, N = 160, Residual = true, TransposedB = true, Seed = 2 },
            new GemmTestCase { M = 1, K = 1280, N = 1000, TransposedB = true, Seed = 3 },
            new GemmTestCase { M = 14 * 14, K = 384, N = 64, PadA = 7, Epilogue = FusedEpilogue.HardSwish, Seed = 4 },
        };
        foreach (var tc in cases)
        {
            tc.Build();
            tc.AssertMatches(tc.Run(v), v.Name);
        }
    }

    /// <summary>The threading hook: any split into tile ranges gives bit-identical output.</summary>
    [Theory, MemberData(nameof(Variants))]
    public void AnySplitIsBitIdentical(string name)
    {
        var v = Require(name);
        var tc = new GemmTestCase
        {
            M = 4 * v.MR + 3, N = 3 * v.NR + 5, K = 37, PadA = 2, PadC = 1, Residual = true,
            Epilogue = FusedEpilogue.HardSwish, Seed = 11,
        }.Build();
        var w = tc.Pack(v);
        float[] whole = tc.Run(v);
        tc.AssertMatches(whole, v.Name);
        int tiles = v.MTileCount(tc.M), panels = w.PanelCount;

        // One call per tile, in reverse order.
        var c = tc.NewOutput();
        for (int t = tiles - 1; t >= 0; t--)
            for (int p = panels - 1; p >= 0; p--)
                v.Run(w, tc.M, tc.A, tc.Lda, c, tc.Ldc, tc.Epilogue, tc.R, tc.Ldr, new GemmTileRange(t, t + 1, p, p + 1));
        Assert.Equal(whole, c);

        // Random rectangles of a grid split.
        var rng = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            c = tc.NewOutput();
            int mSplit = rng.Next(0, tiles + 1), pSplit = rng.Next(0, panels + 1);
            foreach (var (t0, t1) in new[] { (0, mSplit), (mSplit, tiles) })
                foreach (var (p0, p1) in new[] { (0, pSplit), (pSplit, panels) })
                    v.Run(w, tc.M, tc.A, tc.Lda, c, tc.Ldc, tc.Epilogue, tc.R, tc.Ldr, new GemmTileRange(t0, t1, p0, p1));
            Assert.Equal(whole, c);
        }

        // The threading layer's even parts: disjoint, covering, bit-identical, in either order.
        var full = v.FullRange(tc.M, w);
        for (int count = 1; count <= 7; count++)
        {
            c = tc.NewOutput();
            int covered = 0;
            for (int i = count - 1; i >= 0; i--)
            {
                var part = full.Part(i, count);
                if (!part.IsEmpty) covered += part.MTiles * part.Panels;
                v.Run(w, tc.M, tc.A, tc.Lda, c, tc.Ldc, tc.Epilogue, tc.R, tc.Ldr, part);
            }
            Assert.Equal(full.MTiles * full.Panels, covered);
            Assert.Equal(whole, c);
        }

        // An empty range writes nothing.
        c = tc.NewOutput();
        v.Run(w, tc.M, tc.A, tc.Lda, c, tc.Ldc, tc.Epilogue, tc.R, tc.Ldr, new GemmTileRange(1, 1, 0, panels));
        Assert.All(c, x => Assert.Equal(GemmTestCase.Sentinel, x));
    }

    /// <summary>The residual may be C itself: every residual value is read before the tile is stored.</summary>
    [Theory, MemberData(nameof(Variants))]
    public void ResidualInPlaceMatchesOutOfPlace(string name)
    {
        var v = Require(name);
        foreach (var (m, n) in new[] { (1, 1), (v.MR + 1, v.NR + 1), (2 * v.MR + 3, 2 * v.NR - 1), (25, 70) })
        {
            var tc = new GemmTestCase
            {
                M = m, N = n, K = 23, PadC = 2, PadR = 2, Residual = true, Epilogue = FusedEpilogue.Relu6, Seed = m * n,
            }.Build();
            float[] expected = tc.Run(v);
            float[] c = (float[])tc.R.Clone();
            var w = tc.Pack(v);
            v.Run(w, m, tc.A, tc.Lda, c, tc.Ldc, tc.Epilogue, c, tc.Ldc, v.FullRange(m, w));
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) Assert.Equal(expected[i * tc.Ldc + j], c[i * tc.Ldc + j]);
        }
    }

    [Theory, MemberData(nameof(Variants))]
    public void RunAllocatesNothing(string name)
    {
        var v = Require(name);
        var tc = new GemmTestCase { M = 50, N = 40, K = 30, Residual = true, Epilogue = FusedEpilogue.HardSwish }.Build();
        var w = tc.Pack(v);
        var c = tc.NewOutput();
        var range = v.FullRange(tc.M, w);
        v.Run(w, tc.M, tc.A, tc.Lda, c, tc.Ldc, tc.Epilogue, tc.R, tc.Ldr, range);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) v.Run(w, tc.M, tc.A, tc.Lda, c, tc.Ldc, tc.Epilogue, tc.R, tc.Ldr, range);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void PartsSplitTheLongerDimension()
    {
        var tall = new GemmTileRange(0, 100, 0, 3);
        Assert.Equal(new GemmTileRange(0, 25, 0, 3), tall.Part(0, 4));
        Assert.Equal(new GemmTileRange(75, 100, 0, 3), tall.Part(3, 4));
        var wide = new GemmTileRange(0, 1, 2, 34);   // a GEMV: one M-tile, many panels
        Assert.Equal(new GemmTileRange(0, 1, 2, 18), wide.Part(0, 2));
        Assert.Equal(new GemmTileRange(0, 1, 18, 34), wide.Part(1, 2));
        Assert.True(new GemmTileRange(0, 1, 0, 1).Part(0, 2).IsEmpty);
        Assert.Throws<ArgumentOutOfRangeException>(() => tall.Part(4, 4));
    }

    [Fact]
    public void RejectsBadOperands()
    {
        var v = GemmCatalog.Best;
        var tc = new GemmTestCase { M = 3, N = 5, K = 4 }.Build();
        var w = tc.Pack(v);
        var c = tc.NewOutput();
        var other = GemmCatalog.Supported.FirstOrDefault(x => x.NR != v.NR);
        if (other is not null)
            Assert.Throws<ArgumentException>(() => other.Run(w, 3, tc.A, tc.Lda, c, tc.Ldc, FusedEpilogue.Linear));
        Assert.Throws<ArgumentException>(() => v.Run(w, 4, tc.A, tc.Lda, c, tc.Ldc, FusedEpilogue.Linear));
        Assert.Throws<ArgumentException>(() => v.Run(w, 3, tc.A, tc.Lda, c.AsSpan(1), tc.Ldc, FusedEpilogue.Linear));
        Assert.Throws<ArgumentOutOfRangeException>(() => v.Run(w, 3, tc.A, tc.Lda, c, tc.Ldc, FusedEpilogue.Linear,
            default, 0, new GemmTileRange(0, 2, 0, w.PanelCount + 1)));
        Assert.Throws<ArgumentException>(() => v.Run(w, 3, tc.A, tc.Lda, c, tc.Ldc, FusedEpilogue.Linear,
            c.AsSpan(1), tc.Ldc, v.FullRange(3, w)));
        var shared = new float[64];
        Assert.Throws<ArgumentException>(() => v.Run(w, 3, shared, 4, shared.AsSpan(20), 5, FusedEpilogue.Linear));
        Assert.Throws<ArgumentException>(() => FusedEpilogue.Clamp(1, 0));
        // Zero rows is a no-op, not an error.
        v.Run(w, 0, [], tc.Lda, [], tc.Ldc, FusedEpilogue.Linear);
    }
}
