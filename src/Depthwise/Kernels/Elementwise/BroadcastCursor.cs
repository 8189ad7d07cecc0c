namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// Walks a <see cref="BroadcastLayout"/> one innermost row at a time: the odometer over the outer merged dimensions,
/// keeping each input's element offset. The caller supplies the counters (usually <c>stackalloc</c>), so walking
/// allocates nothing. Rows are visited in row-major order of the output; row r starts at output element
/// r × <see cref="BroadcastLayout.InnerLength"/>.
/// </summary>
public ref struct BroadcastCursor
{
    private readonly int[] _dims;
    private readonly int[][] _strides;
    private readonly Span<int> _index;
    private readonly Span<int> _offsets;

    /// <summary>
    /// Starts at the first row. <paramref name="index"/> needs one slot per merged dimension
    /// (<c>layout.Dims.Length</c>), <paramref name="offsets"/> one per input; both must be zeroed.
    /// </summary>
    public BroadcastCursor(BroadcastLayout layout, Span<int> index, Span<int> offsets)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (index.Length < layout.Dims.Length) throw new ArgumentException("index is shorter than the layout's rank", nameof(index));
        if (offsets.Length < layout.Strides.Length) throw new ArgumentException("offsets has fewer slots than the layout has inputs", nameof(offsets));
        _dims = layout.Dims;
        _strides = layout.Strides;
        _index = index;
        _offsets = offsets;
        OutputOffset = 0;
    }

    /// <summary>Output element offset of the current row's first element.</summary>
    public int OutputOffset { get; private set; }

    /// <summary>Element offset in input <paramref name="input"/> of the current row's first element.</summary>
    public readonly int Offset(int input) => _offsets[input];

    /// <summary>Moves to the next row; false when every row has been visited.</summary>
    public bool MoveNext()
    {
        int rank = _dims.Length;
        OutputOffset += _dims[rank - 1];
        for (int d = rank - 2; d >= 0; d--)
        {
            _index[d]++;
            for (int k = 0; k < _strides.Length; k++) _offsets[k] += _strides[k][d];
            if (_index[d] < _dims[d]) return true;
            for (int k = 0; k < _strides.Length; k++) _offsets[k] -= _strides[k][d] * _dims[d];
            _index[d] = 0;
        }
        return false;
    }
}
