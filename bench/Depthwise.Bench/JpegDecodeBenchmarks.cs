using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Depthwise.Vision.Codecs;

namespace Depthwise.Bench;

/// <summary>
/// Whole-file JPEG decodes of shared images (<c>--filter '*JpegDecode*'</c>); the same files as <see cref="JpegQuickRun"/>,
/// which also times libjpeg-turbo's tjbench for the ratio. Allocation is reported: the planes, the coefficients of a
/// progressive file and the output image are allocated per decode.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class JpegDecodeBenchmarks
{
    private byte[] _data = [];
    private static readonly ImageDecodeOptions AsStored = new() { ApplyExifOrientation = false };

    /// <summary>The image, relative to the shared images folder.</summary>
    [ParamsSource(nameof(Files))]
    public string File { get; set; } = "";

    /// <summary>The files timed.</summary>
    public static IEnumerable<string> Files => JpegQuickRun.Files;

    /// <summary>Reads the file (not measured).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var root = JpegQuickRun.SharedImages() ?? throw new InvalidOperationException("shared images folder not found");
        _data = System.IO.File.ReadAllBytes(Path.Combine(root, File));
    }

    /// <summary>Decode to RGB.</summary>
    [Benchmark]
    public int Decode() => JpegDecoder.Decode(_data, AsStored).Width;

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(15)
            .WithId("InProcess"));
    }
}
