using BenchmarkDotNet.Running;
using Depthwise.Bench;

// `startup-quick MODEL [rounds]` times a cold start's steps in a warm process, `q8-quick [rounds] [dw]` sweeps the quantized GEMM and depthwise kernels (dw: depthwise only), `gemm-quick [rounds]` is a fast Stopwatch sweep for tuning, `jpeg-quick [rounds]` times the JPEG decoder against tjbench, `sigmoid-quick [rounds]` times the fused Sigmoid/SiLU post-pass, `fma-peak` measures the per-core FMA peak the GEMM
// figures are compared with, `q8-layers [rounds]` times the slow int8 MobileNetV2 pointwise layers on the quantized GEMMs; anything else goes to BenchmarkDotNet (e.g. `--filter '*Gemm*'`).
if (args.Length > 0 && args[0] == "fma-peak")
{
    if (args.Contains("--json")) Console.WriteLine(FmaPeakProbe.Json());
    else FmaPeakProbe.Run();
    return 0;
}
if (args.Length > 0 && args[0] == "jpeg-quick")
{
    JpegQuickRun.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return 0;
}
if (args.Length > 0 && args[0] == "gemm-quick")
{
    GemmQuickRun.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7);
    return 0;
}
if (args.Length > 1 && args[0] == "startup-quick")
{
    StartupQuickRun.Run(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10);
    return 0;
}
if (args.Length > 0 && args[0] == "q8-layers")
{
    Q8LayerRun.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 9);
    return 0;
}
if (args.Length > 0 && args[0] == "sigmoid-quick")
{
    SigmoidQuickRun.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7);
    return 0;
}
if (args.Length > 0 && args[0] == "q8-quick")
{
    Q8QuickRun.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7, args.Contains("dw"));
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
return 0;
