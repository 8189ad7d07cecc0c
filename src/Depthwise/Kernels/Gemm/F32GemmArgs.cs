namespace Depthwise.Kernels.Gemm;

/// <summary>Operands of one GEMM call as raw pointers, validated by <see cref="F32GemmVariant"/> before use.</summary>
internal unsafe struct F32GemmArgs
{
    public float* A;          // M×K, row stride Lda
    public nint Lda;
    public float* W;          // packed panels
    public nint PanelStride;  // floats per panel
    public float* C;          // M×N, row stride Ldc
    public nint Ldc;
    public float* R;          // M×N residual or null, row stride Ldr
    public nint Ldr;
    public int M, N, K;
    public int PanelsPerBlock;
    public FusedEpilogue Epilogue;
    public GemmTileRange Range;
}
