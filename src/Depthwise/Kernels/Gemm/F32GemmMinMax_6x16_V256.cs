using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Gemm;

/// <summary>
/// fp32 GEMM tile 6×16 with AVX2 + FMA3. Layout: A row-major (one broadcast per row per K step), B packed in
/// 16-wide panels (two ymm per K row). 12 ymm accumulators + 2 for the B row + 1 broadcast = 15 of the 16 ymm
/// registers: the largest tile that does not spill, with 12 independent FMA chains (two FMA pipes × 4-cycle
/// latency need 8). Column tails use AVX masked loads and stores (vmaskmovps), which never touch masked lanes;
/// a panel with at most 8 live columns runs one ymm per row and skips the zero half.
/// </summary>
internal unsafe struct F32GemmMinMax_6x16_V256 : IF32GemmMicroKernel
{
    public static int MR => 6;

    public static int NR => 16;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(int mr, int nc, int kc, float* a, nint lda, float* w, float* c, nint ldc,
        float* r, nint ldr, in FusedEpilogue epilogue)
    {
        if (mr == 1)
        {
            // A lone row (M = 1, the classifier, or M ≡ 1 mod MR): do not pay for MR - 1 aliased rows.
            ComputeRow(nc, kc, a, w, c, r, epilogue);
            return;
        }
        if (nc <= 8)
        {
            // Only the first vector of the panel is live (N = 8, or a 8-column tail): skip the zero half.
            ComputeHalf(mr, nc, kc, a, lda, w, c, ldc, r, ldr, epilogue);
            return;
        }

        float* a0 = a;
        float* a1 = mr > 1 ? a0 + lda : a0;
        float* a2 = mr > 2 ? a1 + lda : a1;
        float* a3 = mr > 3 ? a2 + lda : a2;
        float* a4 = mr > 4 ? a3 + lda : a3;
        float* a5 = mr > 5 ? a4 + lda : a4;

        Vector256<float> c00 = Vector256.Load(w), c01 = Vector256.Load(w + 8);
        Vector256<float> c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        Vector256<float> c40 = c00, c41 = c01, c50 = c00, c51 = c01;
        w += 16;
        for (nint k = 0; k < kc; k++)
        {
            Vector256<float> b0 = Vector256.Load(w), b1 = Vector256.Load(w + 8);
            w += 16;
            Vector256<float> va = Vector256.Create(a0[k]);
            c00 = Fma.MultiplyAdd(va, b0, c00);
            c01 = Fma.MultiplyAdd(va, b1, c01);
            va = Vector256.Create(a1[k]);
            c10 = Fma.MultiplyAdd(va, b0, c10);
            c11 = Fma.MultiplyAdd(va, b1, c11);
            va = Vector256.Create(a2[k]);
            c20 = Fma.MultiplyAdd(va, b0, c20);
            c21 = Fma.MultiplyAdd(va, b1, c21);
            va = Vector256.Create(a3[k]);
            c30 = Fma.MultiplyAdd(va, b0, c30);
            c31 = Fma.MultiplyAdd(va, b1, c31);
            va = Vector256.Create(a4[k]);
            c40 = Fma.MultiplyAdd(va, b0, c40);
            c41 = Fma.MultiplyAdd(va, b1, c41);
            va = Vector256.Create(a5[k]);
            c50 = Fma.MultiplyAdd(va, b0, c50);
            c51 = Fma.MultiplyAdd(va, b1, c51);
        }

        // Masks for a partial panel: lane j of vector v is live when 8·v + j < nc.
        Vector256<float> m0 = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(nc)).AsSingle();
        Vector256<float> m1 = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(nc - 8)).AsSingle();
        bool full = nc == 16;

        if (r != null)
        {
            // Every residual load happens before the first store, so r may be c itself.
            float* r0 = r;
            float* r1 = mr > 1 ? r0 + ldr : r0;
            float* r2 = mr > 2 ? r1 + ldr : r1;
            float* r3 = mr > 3 ? r2 + ldr : r2;
            float* r4 = mr > 4 ? r3 + ldr : r3;
            float* r5 = mr > 5 ? r4 + ldr : r4;
            if (full)
            {
                c00 += Vector256.Load(r0); c01 += Vector256.Load(r0 + 8);
                c10 += Vector256.Load(r1); c11 += Vector256.Load(r1 + 8);
                c20 += Vector256.Load(r2); c21 += Vector256.Load(r2 + 8);
                c30 += Vector256.Load(r3); c31 += Vector256.Load(r3 + 8);
                c40 += Vector256.Load(r4); c41 += Vector256.Load(r4 + 8);
                c50 += Vector256.Load(r5); c51 += Vector256.Load(r5 + 8);
            }
            else
            {
                c00 += Avx.MaskLoad(r0, m0); c01 += Avx.MaskLoad(r0 + 8, m1);
                c10 += Avx.MaskLoad(r1, m0); c11 += Avx.MaskLoad(r1 + 8, m1);
                c20 += Avx.MaskLoad(r2, m0); c21 += Avx.MaskLoad(r2 + 8, m1);
                c30 += Avx.MaskLoad(r3, m0); c31 += Avx.MaskLoad(r3 + 8, m1);
                c40 += Avx.MaskLoad(r4, m0); c41 += Avx.MaskLoad(r4 + 8, m1);
                c50 += Avx.MaskLoad(r5, m0); c51 += Avx.MaskLoad(r5 + 8, m1);
            }
        }

        if (epilogue.Activation == FusedActivation.Clamp)
        {
            Vector256<float> lo = Vector256.Create(epilogue.Min), hi = Vector256.Create(epilogue.Max);
            c00 = Clamp(c00, lo, hi); c01 = Clamp(c01, lo, hi);
            c10 = Clamp(c10, lo, hi); c11 = Clamp(c11, lo, hi);
            c20 = Clamp(c20, lo, hi); c21 = Clamp(c21, lo, hi);
            c30 = Clamp(c30, lo, hi); c31 = Clamp(c31, lo, hi);
            c40 = Clamp(c40, lo, hi); c41 = Clamp(c41, lo, hi);
            c50 = Clamp(c50, lo, hi); c51 = Clamp(c51, lo, hi);
        }
        else if (epilogue.Activation == FusedActivation.HardSwish)
        {
            c00 = HardSwish(c00); c01 = HardSwish(c01);
            c10 = HardSwish(c10); c11 = HardSwish(c11);
            c20 = HardSwish(c20); c21 = HardSwish(c21);
            c30 = HardSwish(c30); c31 = HardSwish(c31);
            c40 = HardSwish(c40); c41 = HardSwish(c41);
            c50 = HardSwish(c50); c51 = HardSwish(c51);
        }

        float* p0 = c;
        float* p1 = mr > 1 ? p0 + ldc : p0;
        float* p2 = mr > 2 ? p1 + ldc : p1;
        float* p3 = mr > 3 ? p2 + ldc : p2;
        float* p4 = mr > 4 ? p3 + ldc : p3;
        float* p5 = mr > 5 ? p4 + ldc : p4;
        if (full)
        {
            c00.Store(p0); c01.Store(p0 + 8);
            c10.Store(p1); c11.Store(p1 + 8);
            c20.Store(p2); c21.Store(p2 + 8);
            c30.Store(p3); c31.Store(p3 + 8);
            c40.Store(p4); c41.Store(p4 + 8);
            c50.Store(p5); c51.Store(p5 + 8);
        }
        else
        {
            Avx.MaskStore(p0, m0, c00); Avx.MaskStore(p0 + 8, m1, c01);
            Avx.MaskStore(p1, m0, c10); Avx.MaskStore(p1 + 8, m1, c11);
            Avx.MaskStore(p2, m0, c20); Avx.MaskStore(p2 + 8, m1, c21);
            Avx.MaskStore(p3, m0, c30); Avx.MaskStore(p3 + 8, m1, c31);
            Avx.MaskStore(p4, m0, c40); Avx.MaskStore(p4 + 8, m1, c41);
            Avx.MaskStore(p5, m0, c50); Avx.MaskStore(p5 + 8, m1, c51);
        }
    }

    /// <summary>6×8: one vector per row for a panel whose second half is padding (nc ≤ 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeHalf(int mr, int nc, int kc, float* a, nint lda, float* w, float* c, nint ldc,
        float* r, nint ldr, in FusedEpilogue epilogue)
    {
        float* a0 = a;
        float* a1 = mr > 1 ? a0 + lda : a0;
        float* a2 = mr > 2 ? a1 + lda : a1;
        float* a3 = mr > 3 ? a2 + lda : a2;
        float* a4 = mr > 4 ? a3 + lda : a3;
        float* a5 = mr > 5 ? a4 + lda : a4;

        Vector256<float> c00 = Vector256.Load(w);
        Vector256<float> c10 = c00, c20 = c00, c30 = c00, c40 = c00, c50 = c00;
        w += 16;
        for (nint k = 0; k < kc; k++)
        {
            Vector256<float> b0 = Vector256.Load(w);
            w += 16;
            c00 = Fma.MultiplyAdd(Vector256.Create(a0[k]), b0, c00);
            c10 = Fma.MultiplyAdd(Vector256.Create(a1[k]), b0, c10);
            c20 = Fma.MultiplyAdd(Vector256.Create(a2[k]), b0, c20);
            c30 = Fma.MultiplyAdd(Vector256.Create(a3[k]), b0, c30);
            c40 = Fma.MultiplyAdd(Vector256.Create(a4[k]), b0, c40);
            c50 = Fma.MultiplyAdd(Vector256.Create(a5[k]), b0, c50);
        }

        Vector256<float> m0 = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(nc)).AsSingle();
        bool full = nc == 8;

        if (r != null)
        {
            // Every residual load happens before the first store, so r may be c itself.
            float* r0 = r;
            float* r1 = mr > 1 ? r0 + ldr : r0;
            float* r2 = mr > 2 ? r1 + ldr : r1;
            float* r3 = mr > 3 ? r2 + ldr : r2;
            float* r4 = mr > 4 ? r3 + ldr : r3;
            float* r5 = mr > 5 ? r4 + ldr : r4;
            if (full)
            {
                c00 += Vector256.Load(r0);
                c10 += Vector256.Load(r1);
                c20 += Vector256.Load(r2);
                c30 += Vector256.Load(r3);
                c40 += Vector256.Load(r4);
                c50 += Vector256.Load(r5);
            }
            else
            {
                c00 += Avx.MaskLoad(r0, m0);
                c10 += Avx.MaskLoad(r1, m0);
                c20 += Avx.MaskLoad(r2, m0);
                c30 += Avx.MaskLoad(r3, m0);
                c40 += Avx.MaskLoad(r4, m0);
                c50 += Avx.MaskLoad(r5, m0);
            }
        }

        if (epilogue.Activation == FusedActivation.Clamp)
        {
            Vector256<float> lo = Vector256.Create(epilogue.Min), hi = Vector256.Create(epilogue.Max);
            c00 = Clamp(c00, lo, hi);
            c10 = Clamp(c10, lo, hi);
            c20 = Clamp(c20, lo, hi);
            c30 = Clamp(c30, lo, hi);
            c40 = Clamp(c40, lo, hi);
            c50 = Clamp(c50, lo, hi);
        }
        else if (epilogue.Activation == FusedActivation.HardSwish)
        {
            c00 = HardSwish(c00);
            c10 = HardSwish(c10);
            c20 = HardSwish(c20);
            c30 = HardSwish(c30);
            c40 = HardSwish(c40);
            c50 = HardSwish(c50);
        }

        float* p0 = c;
        float* p1 = mr > 1 ? p0 + ldc : p0;
        float* p2 = mr > 2 ? p1 + ldc : p1;
        float* p3 = mr > 3 ? p2 + ldc : p2;
        float* p4 = mr > 4 ? p3 + ldc : p3;
        float* p5 = mr > 5 ? p4 + ldc : p4;
        if (full)
        {
            c00.Store(p0);
            c10.Store(p1);
            c20.Store(p2);
            c30.Store(p3);
            c40.Store(p4);
            c50.Store(p5);
        }
        else
        {
            Avx.MaskStore(p0, m0, c00);
            Avx.MaskStore(p1, m0, c10);
            Avx.MaskStore(p2, m0, c20);
            Avx.MaskStore(p3, m0, c30);
            Avx.MaskStore(p4, m0, c40);
            Avx.MaskStore(p5, m0, c50);
        }
    }

    /// <summary>One row: the same FMA sequence per element as the tile, so results do not depend on mr.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeRow(int nc, int kc, float* a, float* w, float* c, float* r, in FusedEpilogue epilogue)
    {
        Vector256<float> c0 = Vector256.Load(w), c1 = Vector256.Load(w + 8);
        w += 16;
        if (nc <= 8)
        {
            for (nint k = 0; k < kc; k++)
            {
                c0 = Fma.MultiplyAdd(Vector256.Create(a[k]), Vector256.Load(w), c0);
                w += 16;
            }
        }
        else
        {
            for (nint k = 0; k < kc; k++)
            {
                Vector256<float> va = Vector256.Create(a[k]);
                c0 = Fma.MultiplyAdd(va, Vector256.Load(w), c0);
                c1 = Fma.MultiplyAdd(va, Vector256.Load(w + 8), c1);
                w += 16;
            }
        }
        Vector256<float> m0 = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(nc)).AsSingle();
        Vector256<float> m1 = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(nc - 8)).AsSingle();
        bool full = nc == 16;
        if (r != null)
        {
            if (full)
            {
                c0 += Vector256.Load(r); c1 += Vector256.Load(r + 8);
            }
            else
            {
                c0 += Avx.MaskLoad(r, m0); c1 += Avx.MaskLoad(r + 8, m1);
            }
        }
        if (epilogue.Activation == FusedActivation.Clamp)
        {
            Vector256<float> lo = Vector256.Create(epilogue.Min), hi = Vector256.Create(epilogue.Max);
            c0 = Clamp(c0, lo, hi); c1 = Clamp(c1, lo, hi);
        }
        else if (epilogue.Activation == FusedActivation.HardSwish)
        {
            c0 = HardSwish(c0); c1 = HardSwish(c1);
        }
        if (full)
        {
            c0.Store(c); c1.Store(c + 8);
        }
        else
        {
            Avx.MaskStore(c, m0, c0); Avx.MaskStore(c + 8, m1, c1);
        }
    }

    private static Vector256<float> Clamp(Vector256<float> x, Vector256<float> lo, Vector256<float> hi) =>
        Vector256.MinNative(Vector256.MaxNative(x, lo), hi);

    private static Vector256<float> HardSwish(Vector256<float> x)
    {
        Vector256<float> t = Fma.MultiplyAdd(x, Vector256.Create(1f / 6f), Vector256.Create(0.5f));
        return x * Vector256.MinNative(Vector256.MaxNative(t, Vector256<float>.Zero), Vector256<float>.One);
    }
}
