using System.Globalization;

namespace Depthwise.Cli;

/// <summary>Number formatting for people: thousands separators, binary byte units, SI multiples.</summary>
internal static class Units
{
    /// <summary>1234567 → "1,234,567".</summary>
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Bytes in B, KiB, MiB or GiB with three significant digits.</summary>
    public static string Bytes(long n)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = n;
        int u = 0;
        while (Math.Abs(v) >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{n} B" : v.ToString(v >= 100 ? "F0" : v >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture) + " " + units[u];
    }

    /// <summary>A count in SI multiples: 300774272 → "300.8 M".</summary>
    public static string Si(long n)
    {
        string[] units = ["", " K", " M", " G", " T"];
        double v = n;
        int u = 0;
        while (Math.Abs(v) >= 1000 && u < units.Length - 1) { v /= 1000; u++; }
        return u == 0 ? n.ToString(CultureInfo.InvariantCulture) : v.ToString("F1", CultureInfo.InvariantCulture) + units[u];
    }

    /// <summary>Seconds as "12.3 ms" or "1.23 s".</summary>
    public static string Seconds(double s) =>
        s < 1 ? (s * 1000).ToString("F2", CultureInfo.InvariantCulture) + " ms" : s.ToString("F2", CultureInfo.InvariantCulture) + " s";
}
