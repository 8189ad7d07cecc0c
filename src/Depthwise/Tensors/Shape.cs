using System.Collections;
using System.Runtime.CompilerServices;

namespace Depthwise.Tensors;

/// <summary>
/// A concrete tensor shape: every dimension is known and non-negative. Immutable.
/// Element counts are checked against <see cref="MaxElements"/> so that no tensor is ever allocated
/// from an absurd size read out of a file.
/// </summary>
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    /// <summary>Largest rank accepted.</summary>
    public const int MaxRank = 8;

    /// <summary>Largest element count of one tensor (spans are indexed by <see cref="int"/>).</summary>
    public const long MaxElements = int.MaxValue / 8;

    private readonly int[]? _dims;

    /// <summary>Creates a shape from its dimensions (copied). Throws <see cref="ArgumentException"/> for negative dims, rank above <see cref="MaxRank"/>, or too many elements.</summary>
    public Shape(params ReadOnlySpan<int> dims)
    {
        if (dims.Length > MaxRank) throw new ArgumentException($"rank {dims.Length} exceeds the limit of {MaxRank}");
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0) throw new ArgumentException($"negative dimension {d} in shape");
            count *= d;
            if (count > MaxElements) throw new ArgumentException($"shape {Format(dims)} has more than {MaxElements} elements");
        }
        _dims = dims.Length == 0 ? [] : dims.ToArray();
        ElementCount = (int)count;
    }

    /// <summary>Creates a shape from 64-bit dimensions, checking each fits and the total is within limits.</summary>
    public static Shape FromLongs(ReadOnlySpan<long> dims)
    {
        if (dims.Length > MaxRank) throw new ArgumentException($"rank {dims.Length} exceeds the limit of {MaxRank}");
        Span<int> d = stackalloc int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0 || dims[i] > MaxElements) throw new ArgumentException($"dimension {dims[i]} out of range");
            d[i] = (int)dims[i];
        }
        return new Shape(d);
    }

    /// <summary>The scalar shape (rank 0, one element).</summary>
    public static Shape Scalar => new([]);

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Number of elements (the product of the dimensions; 1 for a scalar).</summary>
    public int ElementCount { get; }

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => Dims[axis < 0 ? axis + Rank : axis];

    /// <summary>The dimensions as a read-only span.</summary>
    public ReadOnlySpan<int> Dims => _dims ?? [];

    int IReadOnlyCollection<int>.Count => Rank;

    /// <summary>Row-major strides in elements.</summary>
    public int[] Strides()
    {
        var s = new int[Rank];
        int acc = 1;
        for (int i = Rank - 1; i >= 0; i--) { s[i] = acc; acc *= Dims[i]; }
        return s;
    }

    /// <summary>Normalizes a possibly negative axis into [0, rank) or throws <see cref="ArgumentOutOfRangeException"/>.</summary>
    public int NormalizeAxis(int axis) => NormalizeAxis(axis, Rank);

    /// <summary>Normalizes a possibly negative axis into [0, rank) or throws <see cref="ArgumentOutOfRangeException"/>.</summary>
    public static int NormalizeAxis(long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1) || (rank == 0 && a != 0)) throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} is out of range for rank {rank}");
        return (int)a;
    }

    /// <summary>The dimensions as a new array.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <summary>The dimensions as 64-bit integers.</summary>
    public long[] ToLongArray()
    {
        var r = new long[Rank];
        for (int i = 0; i < r.Length; i++) r[i] = Dims[i];
        return r;
    }

    /// <inheritdoc />
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Equality of dimensions.</summary>
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    /// <summary>Inequality of dimensions.</summary>
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>Formats as <c>[1,3,224,224]</c>.</summary>
    public override string ToString() => Format(Dims);

    /// <summary>Formats dimensions as <c>[1,3,224,224]</c>.</summary>
    public static string Format(ReadOnlySpan<int> dims)
    {
        var sb = new DefaultInterpolatedStringHandler(2 + dims.Length * 3, 0);
        sb.AppendLiteral("[");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0) sb.AppendLiteral(",");
            sb.AppendFormatted(dims[i]);
        }
        sb.AppendLiteral("]");
        return sb.ToStringAndClear();
    }

    /// <inheritdoc />
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_dims ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Numpy-style multidirectional broadcast of two shapes, or null when they are incompatible.
    /// </summary>
    public static Shape? Broadcast(Shape a, Shape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        Span<int> r = stackalloc int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Rank) >= 0 ? a.Dims[i - (rank - a.Rank)] : 1;
            int db = i - (rank - b.Rank) >= 0 ? b.Dims[i - (rank - b.Rank)] : 1;
            if (da == db || db == 1) r[i] = da;
            else if (da == 1) r[i] = db;
            else return null;
        }
        return new Shape(r);
    }
}
