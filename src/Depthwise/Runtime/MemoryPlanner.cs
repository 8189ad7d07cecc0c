namespace Depthwise.Runtime;

/// <summary>
/// Places buffers in one arena by lifetime: buffers whose lifetimes overlap never share bytes; others may.
/// Greedy by size (largest first), each put in the lowest-offset gap that fits among the already-placed buffers
/// that are alive at the same time. Every buffer is padded and aligned to <see cref="Alignment"/> so kernels may
/// read (never write) a little past the end.
/// </summary>
public static class MemoryPlanner
{
    /// <summary>Alignment of every buffer in bytes (one AVX-512 register, one cache line).</summary>
    public const int Alignment = 64;

    /// <summary>One buffer to place: its size and the first and last plan steps that use it (inclusive).</summary>
    public readonly record struct Request(long Bytes, int FirstStep, int LastStep);

    /// <summary>The result: an offset per request, the arena size, and the lifetime lower bound for comparison.</summary>
    public sealed record Result(long[] Offsets, long ArenaBytes, long LowerBoundBytes);

    /// <summary>Padded size of a buffer of <paramref name="bytes"/> bytes.</summary>
    public static long PaddedSize(long bytes) => (bytes + Alignment + Alignment - 1) / Alignment * Alignment;

    /// <summary>Plans offsets for the requests.</summary>
    public static Result Plan(IReadOnlyList<Request> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        int n = requests.Count;
        var offsets = new long[n];
        var order = Enumerable.Range(0, n)
            .OrderByDescending(i => PaddedSize(requests[i].Bytes))
            .ThenBy(i => requests[i].FirstStep)
            .ToArray();
        var placed = new List<int>(n);
        long arena = 0;
        var live = new List<(long Start, long End)>();
        foreach (int i in order)
        {
            var r = requests[i];
            long size = PaddedSize(r.Bytes);
            live.Clear();
            foreach (int j in placed)
            {
                var q = requests[j];
                if (q.FirstStep <= r.LastStep && r.FirstStep <= q.LastStep)
                    live.Add((offsets[j], offsets[j] + PaddedSize(q.Bytes)));
            }
            live.Sort((a, b) => a.Start.CompareTo(b.Start));
            long best = -1, bestGap = long.MaxValue, cursor = 0;
            foreach (var (start, end) in live)
            {
                long gap = start - cursor;
                if (gap >= size && gap < bestGap) { best = cursor; bestGap = gap; }
                cursor = Math.Max(cursor, end);
            }
            if (best < 0) best = cursor;
            offsets[i] = best;
            placed.Add(i);
            arena = Math.Max(arena, best + size);
        }
        return new Result(offsets, arena, LowerBound(requests));
    }

    /// <summary>The largest total padded size of buffers alive at any one step: no plan can use less.</summary>
    public static long LowerBound(IReadOnlyList<Request> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) return 0;
        int maxStep = requests.Max(r => r.LastStep);
        var delta = new long[maxStep + 2];
        foreach (var r in requests)
        {
            long s = PaddedSize(r.Bytes);
            delta[r.FirstStep] += s;
            delta[r.LastStep + 1] -= s;
        }
        long cur = 0, best = 0;
        foreach (var d in delta) { cur += d; best = Math.Max(best, cur); }
        return best;
    }
}
