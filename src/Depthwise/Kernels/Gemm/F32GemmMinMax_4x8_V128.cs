using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Depthwise.Kernels.Gemm;

/// <summary>
/// fp32 GEMM tile 4×8 with portable <c>Vector128</c>: the ARM64 (AdvSimd) path, and SSE on x64 without AVX2.
/// Layout: A row-major (one broadcast per row per K step), B packed in 8-wide panels (two vectors per K row).
/// 8 accumulators + 2 for the B row + 1 broadcast = 11 registers, which fits SSE's 16 without spilling.
/// <c>MultiplyAddEstimate</c> becomes one fused multiply-add where the hardware has it (ARM64 fmla, x64 FMA3) and
/// multiply + add elsewhere, never a slow software FMA. Column tails go through scalar partial loads/stores.
/// </summary>
internal unsafe struct F32GemmMinMax_4x8_V128 : IF32GemmMicroKernel
{
    public static int MR => 4;

    public static int NR => 8;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(int mr, int nc, int kc, float* a, nint lda, float* w, float* c, nint ldc,
        float* r, nint ldr, in FusedEpilogue epilogue)
    {
        float* a0 = a;
        float* a1 = mr > 1 ? a0 + lda : a0;
        float* a2 = mr > 2 ? a1 + lda : a1;
        float* a3 = mr > 3 ? a2 + lda : a2;

        Vector128<float> c00 = Vector128.Load(w), c01 = Vector128.Load(w + 4);
        Vector128<float> c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        w += 8;
        for (nint k = 0; k < kc; k++)
        {
            Vector128<float> b0 = Vector128.Load(w), b1 = Vector128.Load(w + 4);
            w += 8;
            Vector128<float> va = Vector128.Create(a0[k]);
            c00 = Vector128.MultiplyAddEstimate(va, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(va, b1, c01);
            va = Vector128.Create(a1[k]);
            c10 = Vector128.MultiplyAddEstimate(va, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(va, b1, c11);
            va = Vector128.Create(a2[k]);
            c20 = Vector128.MultiplyAddEstimate(va, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(va, b1, c21);
            va = Vector128.Create(a3[k]);
            c30 = Vector128.MultiplyAddEstimate(va, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(va, b1, c31);
        }

        bool full = nc == 8;
        if (r != null)
        {
            // Every residual load happens before the first store, so r may be c itself.
            float* r0 = r;
            float* r1 = mr > 1 ? r0 + ldr : r0;
            float* r2 = mr > 2 ? r1 + ldr : r1;
            float* r3 = mr > 3 ? r2 + ldr : r2;
            if (full)
            {
                c00 += Vector128.Load(r0); c01 += Vector128.Load(r0 + 4);
                c10 += Vector128.Load(r1); c11 += Vector128.Load(r1 + 4);
                c20 += Vector128.Load(r2); c21 += Vector128.Load(r2 + 4);
                c30 += Vector128.Load(r3); c31 += Vector128.Load(r3 + 4);
            }
            else
            {
                c00 += LoadPartial(r0, nc); c01 += LoadPartial(r0 + 4, nc - 4);
                c10 += LoadPartial(r1, nc); c11 += LoadPartial(r1 + 4, nc - 4);
                c20 += LoadPartial(r2, nc); c21 += LoadPartial(r2 + 4, nc - 4);
                c30 += LoadPartial(r3, nc); c31 += LoadPartial(r3 + 4, nc - 4);
            }
        }

        if (epilogue.Activation == FusedActivation.Clamp)
        {
            Vector128<float> lo = Vector128.Create(epilogue.Min), hi = Vector128.Create(epilogue.Max);
            c00 = Clamp(c00, lo, hi); c01 = Clamp(c01, lo, hi);
            c10 = Clamp(c10, lo, hi); c11 = Clamp(c11, lo, hi);
            c20 = Clamp(c20, lo, hi); c21 = Clamp(c21, lo, hi);
            c30 = Clamp(c30, lo, hi); c31 = Clamp(c31, lo, hi);
        }
        else if (epilogue.Activation == FusedActivation.HardSwish)
        {
            c00 = HardSwish(c00); c01 = HardSwish(c01);
            c10 = HardSwish(c10); c11 = HardSwish(c11);
            c20 = HardSwish(c20); c21 = HardSwish(c21);
            c30 = HardSwish(c30); c31 = HardSwish(c31);
        }

        float* p0 = c;
        float* p1 = mr > 1 ? p0 + ldc : p0;
        float* p2 = mr > 2 ? p1 + ldc : p1;
        float* p3 = mr > 3 ? p2 + ldc : p2;
        if (full)
        {
            c00.Store(p0); c01.Store(p0 + 4);
            c10.Store(p1); c11.Store(p1 + 4);
            c20.Store(p2); c21.Store(p2 + 4);
            c30.Store(p3); c31.Store(p3 + 4);
        }
        else
        {
            StorePartial(p0, c00, nc); StorePartial(p0 + 4, c01, nc - 4);
            StorePartial(p1, c10, nc); StorePartial(p1 + 4, c11, nc - 4);
            StorePartial(p2, c20, nc); StorePartial(p2 + 4, c21, nc - 4);
            StorePartial(p3, c30, nc); StorePartial(p3 + 4, c31, nc - 4);
        }
    }

    /// <summary>Loads min(n, 4) floats (n ≤ 0: none), zero-filling the rest; never reads past p[n-1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> LoadPartial(float* p, int n) => n switch
    {
        <= 0 => Vector128<float>.Zero,
        1 => Vector128.CreateScalar(p[0]),
        2 => Vector128.Create(p[0], p[1], 0f, 0f),
        3 => Vector128.Create(p[0], p[1], p[2], 0f),
        _ => Vector128.Load(p),
    };

    /// <summary>Stores the first min(n, 4) lanes (n ≤ 0: none); never writes past p[n-1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePartial(float* p, Vector128<float> v, int n)
    {
        if (n >= 4)
        {
            v.Store(p);
            return;
        }
        for (int j = 0; j < n; j++) p[j] = v.GetElement(j);
    }

    private static Vector128<float> Clamp(Vector128<float> x, Vector128<float> lo, Vector128<float> hi) =>
        Vector128.MinNative(Vector128.MaxNative(x, lo), hi);

    private static Vector128<float> HardSwish(Vector128<float> x)
    {
        Vector128<float> t = Vector128.MultiplyAddEstimate(x, Vector128.Create(1f / 6f), Vector128.Create(0.5f));
        return x * Vector128.MinNative(Vector128.MaxNative(t, Vector128<float>.Zero), Vector128<float>.One);
    }
}
