namespace Depthwise.Vision.Postprocessing;

/// <summary>
/// Generates SSD anchors exactly as MediaPipe's <c>SsdAnchorsCalculator</c>: per layer (consecutive layers of equal
/// stride merged), per grid row, per grid column, per anchor kind — the order detection models emit their boxes in.
/// </summary>
public static class SsdAnchorGenerator
{
    /// <summary>The anchors for <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent (no strides nor feature maps, counts that disagree with the layer count, non-positive sizes).</exception>
    public static Anchor[] Generate(SsdAnchorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var anchors = new List<Anchor>();
        if (options.MultiscaleAnchorGeneration) GenerateMultiscale(options, anchors);
        else GenerateSsd(options, anchors);
        return [.. anchors];
    }

    private static int LayerCount(SsdAnchorOptions o) => o.MultiscaleAnchorGeneration ? o.MaxLevel - o.MinLevel + 1 : o.NumLayers;

    private static void Validate(SsdAnchorOptions o)
    {
        int layers = LayerCount(o);
        if (layers <= 0) throw new ArgumentException($"anchor options need at least one layer, got {layers}");
        if (o.FeatureMapHeights.Count == 0 && o.Strides.Count == 0)
            throw new ArgumentException("both feature map sizes and strides are missing; give one of them");
        if (o.FeatureMapHeights.Count > 0)
        {
            if (o.FeatureMapHeights.Count != layers || o.FeatureMapWidths.Count != layers)
                throw new ArgumentException($"{o.FeatureMapWidths.Count} feature map widths and {o.FeatureMapHeights.Count} heights for {layers} layers");
            foreach (var v in o.FeatureMapHeights.Concat(o.FeatureMapWidths))
                if (v <= 0) throw new ArgumentException($"feature map size {v} is not positive");
            if (!o.MultiscaleAnchorGeneration && o.Strides.Count != 0 && o.Strides.Count != layers)
                throw new ArgumentException($"{o.Strides.Count} strides for {layers} layers");
        }
        else
        {
            if (o.Strides.Count != layers) throw new ArgumentException($"{o.Strides.Count} strides for {layers} layers");
            foreach (var s in o.Strides)
                if (s <= 0) throw new ArgumentException($"stride {s} is not positive");
            if (o.InputWidth <= 0 || o.InputHeight <= 0)
                throw new ArgumentException($"input size {o.InputWidth}x{o.InputHeight} is not positive");
        }
        if (o.MultiscaleAnchorGeneration)
        {
            if (o.ScalesPerOctave <= 0) throw new ArgumentException($"scales_per_octave {o.ScalesPerOctave} is not positive");
            if (o.MinLevel < 0 || o.MaxLevel > 30) throw new ArgumentException($"pyramid levels {o.MinLevel}..{o.MaxLevel} out of range");
            if (o.NormalizeCoordinates && (o.InputWidth <= 0 || o.InputHeight <= 0))
                throw new ArgumentException($"input size {o.InputWidth}x{o.InputHeight} is not positive");
        }
        foreach (var r in o.AspectRatios)
            if (!(r > 0)) throw new ArgumentException($"aspect ratio {r} is not positive");
    }

    private static (int Height, int Width) FeatureMap(SsdAnchorOptions o, int layer)
    {
        if (o.FeatureMapHeights.Count > 0) return (o.FeatureMapHeights[layer], o.FeatureMapWidths[layer]);
        int stride = o.Strides[layer];
        return ((int)MathF.Ceiling(1f * o.InputHeight / stride), (int)MathF.Ceiling(1f * o.InputWidth / stride));
    }

    // Linear from min_scale to max_scale over the strides; the middle of the two for a single stride.
    private static float Scale(float min, float max, int index, int count)
        => count == 1 ? (min + max) * 0.5f : (float)(min + (max - min) * 1.0 * index / (count - 1.0f));

    private static void GenerateSsd(SsdAnchorOptions o, List<Anchor> anchors)
    {
        int strideCount = o.Strides.Count;
        int scaleCount = strideCount > 0 ? strideCount : o.NumLayers;
        var widths = new List<float>();
        var heights = new List<float>();
        int layer = 0;
        while (layer < o.NumLayers)
        {
            widths.Clear();
            heights.Clear();
            // Layers of the same stride share one grid: their anchor kinds are concatenated, in layer order. Without
            // strides (feature maps given) every layer stands alone and scales spread over the layer count.
            int last = layer;
            do
            {
                float scale = Scale(o.MinScale, o.MaxScale, last, scaleCount);
                if (last == 0 && o.ReduceBoxesInLowestLayer)
                {
                    AddKind(widths, heights, 1f, 0.1f);
                    AddKind(widths, heights, 2f, scale);
                    AddKind(widths, heights, 0.5f, scale);
                }
                else
                {
                    foreach (var ratio in o.AspectRatios) AddKind(widths, heights, ratio, scale);
                    if (o.InterpolatedScaleAspectRatio > 0)
                    {
                        float next = last == scaleCount - 1 ? 1f : Scale(o.MinScale, o.MaxScale, last + 1, scaleCount);
                        AddKind(widths, heights, o.InterpolatedScaleAspectRatio, MathF.Sqrt(scale * next));
                    }
                }
                last++;
            }
            while (strideCount > 0 && last < strideCount && o.Strides[last] == o.Strides[layer]);

            var (fh, fw) = FeatureMap(o, layer);
            for (int y = 0; y < fh; y++)
                for (int x = 0; x < fw; x++)
                {
                    float xc = (x + o.AnchorOffsetX) * 1f / fw;
                    float yc = (y + o.AnchorOffsetY) * 1f / fh;
                    for (int k = 0; k < widths.Count; k++)
                        anchors.Add(o.FixedAnchorSize ? new Anchor(xc, yc, 1f, 1f) : new Anchor(xc, yc, widths[k], heights[k]));
                }
            layer = last;
        }
    }

    private static void AddKind(List<float> widths, List<float> heights, float aspectRatio, float scale)
    {
        float root = MathF.Sqrt(aspectRatio);
        heights.Add(scale / root);
        widths.Add(scale * root);
    }

    private static void GenerateMultiscale(SsdAnchorOptions o, List<Anchor> anchors)
    {
        int layers = LayerCount(o);
        for (int i = 0; i < layers; i++)
        {
            int level = o.MinLevel + i;
            float stride = MathF.Pow(2f, level);
            float baseSize = stride * o.AnchorScale;
            // Centre offset half a stride, but only along an axis the input divides evenly (TF object detection's
            // multiscale_grid_anchor_generator).
            int denominator = 1 << level;
            float offsetY = o.InputHeight % denominator == 0 || o.InputHeight == 1 ? stride / 2f : 0f;
            float offsetX = o.InputWidth % denominator == 0 || o.InputWidth == 1 ? stride / 2f : 0f;
            var (fh, fw) = FeatureMap(o, i);
            for (int y = 0; y < fh; y++)
                for (int x = 0; x < fw; x++)
                    foreach (var ratio in o.AspectRatios)
                        for (int s = 0; s < o.ScalesPerOctave; s++)
                        {
                            float scale = (float)Math.Pow(2.0, (double)s / o.ScalesPerOctave);
                            float root = MathF.Sqrt(ratio);
                            float h = scale * baseSize / root, w = scale * root * baseSize;
                            float yc = y * stride + offsetY, xc = x * stride + offsetX;
                            anchors.Add(o.NormalizeCoordinates
                                ? new Anchor(xc / o.InputWidth, yc / o.InputHeight, w / o.InputWidth, h / o.InputHeight)
                                : new Anchor(xc, yc, w, h));
                        }
        }
    }
}
