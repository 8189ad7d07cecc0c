using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Gemm;

/// <summary>
/// fp32 GEMM tile 6×32 with AVX-512F. Layout: A row-major (broadcast one scalar per row per K step), B packed in
/// 32-wide panels (two zmm per K row). 12 zmm accumulators (6 rows × 2 vectors) + 2 for the B row + 1 broadcast:
/// 15 of the 32 zmm, and 12 independent FMA chains, more than the 8 that two 512-bit FMA pipes × 4-cycle
/// latency need (Zen 5). Per K step: 2 vector loads, 6 broadcasts, 12 FMAs: FMA-bound, not load-bound.
/// Column tails use AVX-512 masked loads and stores (no read or write past column nc); a panel with at most 16
/// live columns (N = 16, or the tail of N = 144) runs one zmm per row and skips the zero half.
/// </summary>
internal unsafe struct F32GemmMinMax_6x32_V512 : IF32GemmMicroKernel
{
    public static int MR => 6;

    public static int NR => 32;

    public static bool IsSupported => Avx512F.IsSupported;

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
        if (nc <= 16)
        {
            // Only the first vector of the panel is live (N = 16, or a 16-column tail): skip the zero half.
            ComputeHalf(mr, nc, kc, a, lda, w, c, ldc, r, ldr, epilogue);
            return;
        }

        float* a0 = a;
        float* a1 = mr > 1 ? a0 + lda : a0;
        float* a2 = mr > 2 ? a1 + lda : a1;
        float* a3 = mr > 3 ? a2 + lda : a2;
        float* a4 = mr > 4 ? a3 + lda : a3;
        float* a5 = mr > 5 ? a4 + lda : a4;

        Vector512<float> c00 = Vector512.Load(w), c01 = Vector512.Load(w + 16);
        Vector512<float> c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        Vector512<float> c40 = c00, c41 = c01, c50 = c00, c51 = c01;
        w += 32;
        for (nint k = 0; k < kc; k++)
        {
            Vector512<float> b0 = Vector512.Load(w), b1 = Vector512.Load(w + 16);
            w += 32;
            Vector512<float> va = Vector512.Create(a0[k]);
            c00 = Avx512F.FusedMultiplyAdd(va, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(va, b1, c01);
            va = Vector512.Create(a1[k]);
            c10 = Avx512F.FusedMultiplyAdd(va, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(va, b1, c11);
            va = Vector512.Create(a2[k]);
            c20 = Avx512F.FusedMultiplyAdd(va, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(va, b1, c21);
            va = Vector512.Create(a3[k]);
            c30 = Avx512F.FusedMultiplyAdd(va, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(va, b1, c31);
            va = Vector512.Create(a4[k]);
            c40 = Avx512F.FusedMultiplyAdd(va, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(va, b1, c41);
            va = Vector512.Create(a5[k]);
            c50 = Avx512F.FusedMultiplyAdd(va, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(va, b1, c51);
        }

        // Masks for a partial panel: lane j of vector v is live when 16·v + j < nc.
        Vector512<float> m0 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(nc)).AsSingle();
        Vector512<float> m1 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(nc - 16)).AsSingle();
        bool full = nc == 32;

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
                c00 += Vector512.Load(r0); c01 += Vector512.Load(r0 + 16);
                c10 += Vector512.Load(r1); c11 += Vector512.Load(r1 + 16);
                c20 += Vector512.Load(r2); c21 += Vector512.Load(r2 + 16);
                c30 += Vector512.Load(r3); c31 += Vector512.Load(r3 + 16);
                c40 += Vector512.Load(r4); c41 += Vector512.Load(r4 + 16);
                c50 += Vector512.Load(r5); c51 += Vector512.Load(r5 + 16);
            }
            else
            {
                Vector512<float> z = Vector512<float>.Zero;
                c00 += Avx512F.MaskLoad(r0, m0, z); c01 += Avx512F.MaskLoad(r0 + 16, m1, z);
                c10 += Avx512F.MaskLoad(r1, m0, z); c11 += Avx512F.MaskLoad(r1 + 16, m1, z);
                c20 += Avx512F.MaskLoad(r2, m0, z); c21 += Avx512F.MaskLoad(r2 + 16, m1, z);
                c30 += Avx512F.MaskLoad(r3, m0, z); c31 += Avx512F.MaskLoad(r3 + 16, m1, z);
                c40 += Avx512F.MaskLoad(r4, m0, z); c41 += Avx512F.MaskLoad(r4 + 16, m1, z);
                c50 += Avx512F.MaskLoad(r5, m0, z); c51 += Avx512F.MaskLoad(r5 + 16, m1, z);
            }
        }

        if (epilogue.Activation == FusedActivation.Clamp)
        {
            Vector512<float> lo = Vector512.Create(epilogue.Min), hi = Vector512.Create(epilogue.Max);
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
            c00.Store(p0); c01.Store(p0 + 16);
            c10.Store(p1); c11.Store(p1 + 16);
            c20.Store(p2); c21.Store(p2 + 16);
            c30.Store(p3); c31.Store(p3 + 16);
            c40.Store(p4); c41.Store(p4 + 16);
            c50.Store(p5); c51.Store(p5 + 16);
        }
        else
        {
            Avx512F.MaskStore(p0, m0, c00); Avx512F.MaskStore(p0 + 16, m1, c01);
            Avx512F.MaskStore(p1, m0, c10); Avx512F.MaskStore(p1 + 16, m1, c11);
            Avx512F.MaskStore(p2, m0, c20); Avx512F.MaskStore(p2 + 16, m1, c21);
            Avx512F.MaskStore(p3, m0, c30); Avx512F.MaskStore(p3 + 16, m1, c31);
            Avx512F.MaskStore(p4, m0, c40); Avx512F.MaskStore(p4 + 16, m1, c41);
            Avx512F.MaskStore(p5, m0, c50); Avx512F.MaskStore(p5 + 16, m1, c51);
        }
    }

    /// <summary>6×16: one vector per row for a panel whose second half is padding (nc ≤ 16).</summary>
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

        Vector512<float> c00 = Vector512.Load(w);
        Vector512<float> c10 = c00, c20 = c00, c30 = c00, c40 = c00, c50 = c00;
        w += 32;
        for (nint k = 0; k < kc; k++)
        {
            Vector512<float> b0 = Vector512.Load(w);
            w += 32;
            c00 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[k]), b0, c00);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[k]), b0, c10);
            c20 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[k]), b0, c20);
            c30 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[k]), b0, c30);
            c40 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[k]), b0, c40);
            c50 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[k]), b0, c50);
        }

        Vector512<float> m0 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(nc)).AsSingle();
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
                c00 += Vector512.Load(r0);
                c10 += Vector512.Load(r1);
                c20 += Vector512.Load(r2);
                c30 += Vector512.Load(r3);
                c40 += Vector512.Load(r4);
                c50 += Vector512.Load(r5);
            }
            else
            {
                Vector512<float> z = Vector512<float>.Zero;
                c00 += Avx512F.MaskLoad(r0, m0, z);
                c10 += Avx512F.MaskLoad(r1, m0, z);
                c20 += Avx512F.MaskLoad(r2, m0, z);
                c30 += Avx512F.MaskLoad(r3, m0, z);
                c40 += Avx512F.MaskLoad(r4, m0, z);
                c50 += Avx512F.MaskLoad(r5, m0, z);
            }
        }

        if (epilogue.Activation == FusedActivation.Clamp)
        {
            Vector512<float> lo = Vector512.Create(epilogue.Min), hi = Vector512.Create(epilogue.Max);
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
            Avx512F.MaskStore(p0, m0, c00);
            Avx512F.MaskStore(p1, m0, c10);
            Avx512F.MaskStore(p2, m0, c20);
            Avx512F.MaskStore(p3, m0, c30);
            Avx512F.MaskStore(p4, m0, c40);
            Avx512F.MaskStore(p5, m0, c50);
        }
    }

    /// <summary>One row: the same FMA sequence per element as the tile, so results do not depend on mr.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeRow(int nc, int kc, float* a, float* w, float* c, float* r, in FusedEpilogue epilogue)
    {
        Vector512<float> c0 = Vector512.Load(w), c1 = Vector512.Load(w + 16);
        w += 32;
        if (nc <= 16)
        {
            for (nint k = 0; k < kc; k++)
            {
                c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[k]), Vector512.Load(w), c0);
                w += 32;
            }
        }
        else
        {
            for (nint k = 0; k < kc; k++)
            {
                Vector512<float> va = Vector512.Create(a[k]);
                c0 = Avx512F.FusedMultiplyAdd(va, Vector512.Load(w), c0);
                c1 = Avx512F.FusedMultiplyAdd(va, Vector512.Load(w + 16), c1);
                w += 32;
            }
        }
        Vector512<float> m0 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(nc)).AsSingle();
        Vector512<float> m1 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(nc - 16)).AsSingle();
        bool full = nc == 32;
        if (r != null)
        {
            if (full)
            {
                c0 += Vector512.Load(r); c1 += Vector512.Load(r + 16);
            }
            else
            {
                Vector512<float> z = Vector512<float>.Zero;
                c0 += Avx512F.MaskLoad(r, m0, z); c1 += Avx512F.MaskLoad(r + 16, m1, z);
            }
        }
        if (epilogue.Activation == FusedActivation.Clamp)
        {
            Vector512<float> lo = Vector512.Create(epilogue.Min), hi = Vector512.Create(epilogue.Max);
            c0 = Clamp(c0, lo, hi); c1 = Clamp(c1, lo, hi);
        }
        else if (epilogue.Activation == FusedActivation.HardSwish)
        {
            c0 = HardSwish(c0); c1 = HardSwish(c1);
        }
        if (full)
        {
            c0.Store(c); c1.Store(c + 16);
        }
        else
        {
            Avx512F.MaskStore(c, m0, c0); Avx512F.MaskStore(c + 16, m1, c1);
        }
    }

    private static Vector512<float> Clamp(Vector512<float> x, Vector512<float> lo, Vector512<float> hi) =>
        Vector512.MinNative(Vector512.MaxNative(x, lo), hi);

    private static Vector512<float> HardSwish(Vector512<float> x)
    {
        Vector512<float> t = Avx512F.FusedMultiplyAdd(x, Vector512.Create(1f / 6f), Vector512.Create(0.5f));
        return x * Vector512.MinNative(Vector512.MaxNative(t, Vector512<float>.Zero), Vector512<float>.One);
    }
}
