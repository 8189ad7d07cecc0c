namespace Depthwise.Vision.Postprocessing;

/// <summary>How the overlap of two boxes is measured for suppression (MediaPipe's <c>OverlapType</c>).</summary>
public enum OverlapType
{
    /// <summary>Intersection over the area of the smallest box enclosing both (MediaPipe's <c>JACCARD</c>, its default).</summary>
    Jaccard,

    /// <summary>Intersection over the area of the higher-scoring box (<c>MODIFIED_JACCARD</c>).</summary>
    ModifiedJaccard,

    /// <summary>Intersection over union, area(a) + area(b) − intersection (<c>INTERSECTION_OVER_UNION</c>).</summary>
    IntersectionOverUnion,
}
