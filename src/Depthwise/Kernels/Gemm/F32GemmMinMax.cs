using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Gemm;

/// <summary>
/// The fp32 GEMM micro-kernel, written once over the lane width (<typeparamref name="TL"/>), the tile height
/// (<typeparamref name="TM"/> rows) and the panel width (<typeparamref name="TN"/> vectors per row), all JIT-time
/// constants (type-level numbers, see <see cref="Int7"/>): 7×32 on AVX-512, 6×16 on AVX2, 4×8 with Vector128,
/// 4×4 in scalar code.
/// <list type="bullet">
/// <item>Layout: A row-major (one broadcast per row per K step), B a packed panel (bias row, then K rows of NR).
/// Per K step: TN vector loads of the B row, MR broadcasts, MR·TN multiply-adds into independent accumulators, which
/// the JIT keeps in registers (7×32: 14 zmm accumulators + 2 B + 1 broadcast of 32; 6×16: 12 + 2 + 1 of 16 ymm, the
/// largest tile that does not spill; 4×8: 8 + 2 + 1 of 16 xmm). 12–14 independent chains cover the 8 that two FMA
/// pipes × 4-cycle latency need.</item>
/// <item>Multiply-add is the lanes' (<see cref="IF32Lanes{TVec}.MultiplyAdd"/>): fused on every vector width where
/// the ISA has FMA, separate multiply and add in the scalar kernel; every element sums bias, then k ascending.</item>
/// <item>Partial tiles: rows past <c>mr</c> alias the last valid row (XNNPACK's trick: they compute and store the same
/// values again, so the K loop never branches); a lone row (<c>mr</c> = 1: the classifier) runs a one-row tile; a
/// panel with at most one vector of live columns (N = 16, or the 16-column tail of N = 144 on AVX-512) runs one vector
/// per row and skips the zero padding; columns past <c>nc</c> are masked at the residual load and the store only
/// (<see cref="IF32Lanes{TVec}.LoadPartial"/>: AVX-512 masks, <c>vmaskmovps</c>, scalar partial loads/stores).</item>
/// <item>Epilogue on the tile in registers: every residual value is read before the first store (so R may be C),
/// then the activation, then the stores.</item>
/// </list>
/// </summary>
internal readonly unsafe struct F32GemmMinMax<TL, TV, TM, TN> : IF32GemmMicroKernel
    where TL : struct, IF32Lanes<TV>
    where TV : struct
    where TM : struct
    where TN : struct
{
    public static int MR => Unsafe.SizeOf<TM>();

    public static int NR => Unsafe.SizeOf<TN>() * TL.Count;

    /// <summary>Picks the tile for (mr, nc); inlined into the driver's loop, so each tile costs one call as before.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Compute(int mr, int nc, int kc, float* a, nint lda, float* w, float* c, nint ldc,
        float* r, nint ldr, in FusedEpilogue epilogue)
    {
        bool oneVector = nc <= TL.Count;
        if (mr == 1)
        {
            // A lone row (M = 1, the classifier, or M ≡ 1 mod MR): do not pay for MR - 1 aliased rows.
            if (oneVector) Tile<Int1, Int1>(mr, nc, kc, a, lda, w, c, ldc, r, ldr, epilogue);
            else Tile<Int1, TN>(mr, nc, kc, a, lda, w, c, ldc, r, ldr, epilogue);
        }
        else if (oneVector)
        {
            // Only the first vector of the panel is live: skip the zero padding.
            Tile<TM, Int1>(mr, nc, kc, a, lda, w, c, ldc, r, ldr, epilogue);
        }
        else
        {
            Tile<TM, TN>(mr, nc, kc, a, lda, w, c, ldc, r, ldr, epilogue);
        }
    }

    /// <summary>
    /// A tile of <typeparamref name="TR"/> rows (aliased past <paramref name="mr"/>) × <typeparamref name="TC"/>
    /// vectors, from a panel of NR columns. Sizes are tested as <c>Unsafe.SizeOf</c> (constants when the JIT imports
    /// the method), so the helpers of absent rows and vectors are never inlined.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TR, TC>(int mr, int nc, int kc, float* a, nint lda, float* w, float* c, nint ldc,
        float* r, nint ldr, in FusedEpilogue epilogue)
        where TR : struct
        where TC : struct
    {
        int lanes = TL.Count;
        float* a0 = a;
        float* a1 = mr > 1 ? a0 + lda : a0;
        float* a2 = mr > 2 ? a1 + lda : a1;
        float* a3 = mr > 3 ? a2 + lda : a2;
        float* a4 = mr > 4 ? a3 + lda : a3;
        float* a5 = mr > 5 ? a4 + lda : a4;
        float* a6 = mr > 6 ? a5 + lda : a5;

        TV c00 = TL.Load(w), c01 = default, c02 = default, c03 = default;
        if (Unsafe.SizeOf<TC>() > 1) c01 = TL.Load(w + lanes);
        if (Unsafe.SizeOf<TC>() > 2)
        {
            c02 = TL.Load(w + 2 * lanes);
            c03 = TL.Load(w + 3 * lanes);
        }
        TV c10 = c00, c11 = c01, c12 = c02, c13 = c03, c20 = c00, c21 = c01, c22 = c02, c23 = c03;
        TV c30 = c00, c31 = c01, c32 = c02, c33 = c03, c40 = c00, c41 = c01, c42 = c02, c43 = c03;
        TV c50 = c00, c51 = c01, c52 = c02, c53 = c03, c60 = c00, c61 = c01, c62 = c02, c63 = c03;
        w += Unsafe.SizeOf<TN>() * lanes;
        for (nint k = 0; k < kc; k++)
        {
            TV b0 = TL.Load(w), b1 = default, b2 = default, b3 = default;
            if (Unsafe.SizeOf<TC>() > 1) b1 = TL.Load(w + lanes);
            if (Unsafe.SizeOf<TC>() > 2)
            {
                b2 = TL.Load(w + 2 * lanes);
                b3 = TL.Load(w + 3 * lanes);
            }
            w += Unsafe.SizeOf<TN>() * lanes;
            RowMultiplyAdd(Unsafe.SizeOf<TC>(), TL.Splat(a0[k]), b0, b1, b2, b3, ref c00, ref c01, ref c02, ref c03);
            if (Unsafe.SizeOf<TR>() > 1)
                RowMultiplyAdd(Unsafe.SizeOf<TC>(), TL.Splat(a1[k]), b0, b1, b2, b3, ref c10, ref c11, ref c12, ref c13);
            if (Unsafe.SizeOf<TR>() > 2)
                RowMultiplyAdd(Unsafe.SizeOf<TC>(), TL.Splat(a2[k]), b0, b1, b2, b3, ref c20, ref c21, ref c22, ref c23);
            if (Unsafe.SizeOf<TR>() > 3)
                RowMultiplyAdd(Unsafe.SizeOf<TC>(), TL.Splat(a3[k]), b0, b1, b2, b3, ref c30, ref c31, ref c32, ref c33);
            if (Unsafe.SizeOf<TR>() > 4)
                RowMultiplyAdd(Unsafe.SizeOf<TC>(), TL.Splat(a4[k]), b0, b1, b2, b3, ref c40, ref c41, ref c42, ref c43);
            if (Unsafe.SizeOf<TR>() > 5)
                RowMultiplyAdd(Unsafe.SizeOf<TC>(), TL.Splat(a5[k]), b0, b1, b2, b3, ref c50, ref c51, ref c52, ref c53);
            if (Unsafe.SizeOf<TR>() > 6)
                RowMultiplyAdd(Unsafe.SizeOf<TC>(), TL.Splat(a6[k]), b0, b1, b2, b3, ref c60, ref c61, ref c62, ref c63);
        }

        bool full = nc == Unsafe.SizeOf<TC>() * lanes;
        if (r != null)
        {
            // Every residual load happens before the first store, so r may be c itself.
            float* r0 = r;
            float* r1 = mr > 1 ? r0 + ldr : r0;
            float* r2 = mr > 2 ? r1 + ldr : r1;
            float* r3 = mr > 3 ? r2 + ldr : r2;
            float* r4 = mr > 4 ? r3 + ldr : r3;
            float* r5 = mr > 5 ? r4 + ldr : r4;
            float* r6 = mr > 6 ? r5 + ldr : r5;
            RowResidual(Unsafe.SizeOf<TC>(), full, nc, r0, ref c00, ref c01, ref c02, ref c03);
            if (Unsafe.SizeOf<TR>() > 1) RowResidual(Unsafe.SizeOf<TC>(), full, nc, r1, ref c10, ref c11, ref c12, ref c13);
            if (Unsafe.SizeOf<TR>() > 2) RowResidual(Unsafe.SizeOf<TC>(), full, nc, r2, ref c20, ref c21, ref c22, ref c23);
            if (Unsafe.SizeOf<TR>() > 3) RowResidual(Unsafe.SizeOf<TC>(), full, nc, r3, ref c30, ref c31, ref c32, ref c33);
            if (Unsafe.SizeOf<TR>() > 4) RowResidual(Unsafe.SizeOf<TC>(), full, nc, r4, ref c40, ref c41, ref c42, ref c43);
            if (Unsafe.SizeOf<TR>() > 5) RowResidual(Unsafe.SizeOf<TC>(), full, nc, r5, ref c50, ref c51, ref c52, ref c53);
            if (Unsafe.SizeOf<TR>() > 6) RowResidual(Unsafe.SizeOf<TC>(), full, nc, r6, ref c60, ref c61, ref c62, ref c63);
        }

        FusedActivation activation = epilogue.Activation;
        if (activation != FusedActivation.None)
        {
            bool clamp = activation == FusedActivation.Clamp;
            TV lo = TL.Splat(epilogue.Min), hi = TL.Splat(epilogue.Max);
            RowActivate(Unsafe.SizeOf<TC>(), clamp, lo, hi, ref c00, ref c01, ref c02, ref c03);
            if (Unsafe.SizeOf<TR>() > 1) RowActivate(Unsafe.SizeOf<TC>(), clamp, lo, hi, ref c10, ref c11, ref c12, ref c13);
            if (Unsafe.SizeOf<TR>() > 2) RowActivate(Unsafe.SizeOf<TC>(), clamp, lo, hi, ref c20, ref c21, ref c22, ref c23);
            if (Unsafe.SizeOf<TR>() > 3) RowActivate(Unsafe.SizeOf<TC>(), clamp, lo, hi, ref c30, ref c31, ref c32, ref c33);
            if (Unsafe.SizeOf<TR>() > 4) RowActivate(Unsafe.SizeOf<TC>(), clamp, lo, hi, ref c40, ref c41, ref c42, ref c43);
            if (Unsafe.SizeOf<TR>() > 5) RowActivate(Unsafe.SizeOf<TC>(), clamp, lo, hi, ref c50, ref c51, ref c52, ref c53);
            if (Unsafe.SizeOf<TR>() > 6) RowActivate(Unsafe.SizeOf<TC>(), clamp, lo, hi, ref c60, ref c61, ref c62, ref c63);
        }

        float* p0 = c;
        float* p1 = mr > 1 ? p0 + ldc : p0;
        float* p2 = mr > 2 ? p1 + ldc : p1;
        float* p3 = mr > 3 ? p2 + ldc : p2;
        float* p4 = mr > 4 ? p3 + ldc : p3;
        float* p5 = mr > 5 ? p4 + ldc : p4;
        float* p6 = mr > 6 ? p5 + ldc : p5;
        RowStore(Unsafe.SizeOf<TC>(), full, nc, p0, c00, c01, c02, c03);
        if (Unsafe.SizeOf<TR>() > 1) RowStore(Unsafe.SizeOf<TC>(), full, nc, p1, c10, c11, c12, c13);
        if (Unsafe.SizeOf<TR>() > 2) RowStore(Unsafe.SizeOf<TC>(), full, nc, p2, c20, c21, c22, c23);
        if (Unsafe.SizeOf<TR>() > 3) RowStore(Unsafe.SizeOf<TC>(), full, nc, p3, c30, c31, c32, c33);
        if (Unsafe.SizeOf<TR>() > 4) RowStore(Unsafe.SizeOf<TC>(), full, nc, p4, c40, c41, c42, c43);
        if (Unsafe.SizeOf<TR>() > 5) RowStore(Unsafe.SizeOf<TC>(), full, nc, p5, c50, c51, c52, c53);
        if (Unsafe.SizeOf<TR>() > 6) RowStore(Unsafe.SizeOf<TC>(), full, nc, p6, c60, c61, c62, c63);
    }

    /// <summary>One row of the K step: <c>c_j += a · b_j</c> for the row's <paramref name="n"/> vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowMultiplyAdd(int n, TV a, TV b0, TV b1, TV b2, TV b3, ref TV c0, ref TV c1, ref TV c2, ref TV c3)
    {
        c0 = TL.MultiplyAdd(a, b0, c0);
        if (n > 1) c1 = TL.MultiplyAdd(a, b1, c1);
        if (n > 2)
        {
            c2 = TL.MultiplyAdd(a, b2, c2);
            c3 = TL.MultiplyAdd(a, b3, c3);
        }
    }

    /// <summary>Adds one row of the residual: whole vectors, or only the first <paramref name="nc"/> columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowResidual(int n, bool full, int nc, float* r, ref TV c0, ref TV c1, ref TV c2, ref TV c3)
    {
        int lanes = TL.Count;
        if (full)
        {
            c0 = TL.Add(c0, TL.Load(r));
            if (n > 1) c1 = TL.Add(c1, TL.Load(r + lanes));
            if (n > 2)
            {
                c2 = TL.Add(c2, TL.Load(r + 2 * lanes));
                c3 = TL.Add(c3, TL.Load(r + 3 * lanes));
            }
        }
        else
        {
            c0 = TL.Add(c0, TL.LoadPartial(r, nc));
            if (n > 1) c1 = TL.Add(c1, TL.LoadPartial(r + lanes, nc - lanes));
            if (n > 2)
            {
                c2 = TL.Add(c2, TL.LoadPartial(r + 2 * lanes, nc - 2 * lanes));
                c3 = TL.Add(c3, TL.LoadPartial(r + 3 * lanes, nc - 3 * lanes));
            }
        }
    }

    /// <summary>Clamp (<paramref name="clamp"/>) or HardSwish on one row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowActivate(int n, bool clamp, TV lo, TV hi, ref TV c0, ref TV c1, ref TV c2, ref TV c3)
    {
        if (clamp)
        {
            c0 = F32LaneActivations.Clamp<TL, TV>(c0, lo, hi);
            if (n > 1) c1 = F32LaneActivations.Clamp<TL, TV>(c1, lo, hi);
            if (n > 2)
            {
                c2 = F32LaneActivations.Clamp<TL, TV>(c2, lo, hi);
                c3 = F32LaneActivations.Clamp<TL, TV>(c3, lo, hi);
            }
        }
        else
        {
            c0 = F32LaneActivations.HardSwish<TL, TV>(c0);
            if (n > 1) c1 = F32LaneActivations.HardSwish<TL, TV>(c1);
            if (n > 2)
            {
                c2 = F32LaneActivations.HardSwish<TL, TV>(c2);
                c3 = F32LaneActivations.HardSwish<TL, TV>(c3);
            }
        }
    }

    /// <summary>Stores one row: whole vectors, or only the first <paramref name="nc"/> columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowStore(int n, bool full, int nc, float* p, TV c0, TV c1, TV c2, TV c3)
    {
        int lanes = TL.Count;
        if (full)
        {
            TL.Store(p, c0);
            if (n > 1) TL.Store(p + lanes, c1);
            if (n > 2)
            {
                TL.Store(p + 2 * lanes, c2);
                TL.Store(p + 3 * lanes, c3);
            }
        }
        else
        {
            TL.StorePartial(p, c0, nc);
            if (n > 1) TL.StorePartial(p + lanes, c1, nc - lanes);
            if (n > 2)
            {
                TL.StorePartial(p + 2 * lanes, c2, nc - 2 * lanes);
                TL.StorePartial(p + 3 * lanes, c3, nc - 3 * lanes);
            }
        }
    }
}
