using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Gemm;

/// <summary>
/// fp32 GEMM tile 4×4 in plain scalar C#: the fallback when hardware intrinsics are off, and the simplest reading
/// of the packed layout (bias row, then K rows of NR weights). Accumulates in the same order as every vector
/// variant (bias first, then k ascending) but with separate multiply and add, so it differs from the FMA variants
/// only by rounding.
/// </summary>
internal unsafe struct F32GemmMinMax_4x4_Scalar : IF32GemmMicroKernel
{
    public static int MR => 4;

    public static int NR => 4;

    public static bool IsSupported => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(int mr, int nc, int kc, float* a, nint lda, float* w, float* c, nint ldc,
        float* r, nint ldr, in FusedEpilogue epilogue)
    {
        float* acc = stackalloc float[4 * 4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) acc[i * 4 + j] = w[j];
        w += 4;
        for (nint k = 0; k < kc; k++)
        {
            for (int i = 0; i < mr; i++)
            {
                float ai = a[i * lda + k];
                for (int j = 0; j < 4; j++) acc[i * 4 + j] += ai * w[j];
            }
            w += 4;
        }
        // Residual reads for the whole tile precede the stores, so r may be c itself.
        if (r != null)
        {
            for (int i = 0; i < mr; i++)
                for (int j = 0; j < nc; j++) acc[i * 4 + j] += r[i * ldr + j];
        }
        for (int i = 0; i < mr; i++)
            for (int j = 0; j < nc; j++) c[i * ldc + j] = epilogue.Activate(acc[i * 4 + j]);
    }
}
