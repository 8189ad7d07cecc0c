namespace Depthwise.Vision.Tasks;

/// <summary>A feature vector computed by <see cref="ImageEmbedder"/>.</summary>
public sealed class Embedding
{
    /// <summary>Wraps a vector (not copied).</summary>
    public Embedding(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        Vector = vector;
    }

    /// <summary>The values.</summary>
    public float[] Vector { get; }

    /// <summary>The number of values.</summary>
    public int Dimension => Vector.Length;

    /// <summary>The Euclidean length.</summary>
    public float Norm
    {
        get
        {
            double sum = 0;
            foreach (float v in Vector) sum += (double)v * v;
            return (float)Math.Sqrt(sum);
        }
    }

    /// <summary>
    /// The cosine similarity of two embeddings, u·v / (|u| |v|), in [−1, 1] (0 when either is all zeros).
    /// </summary>
    /// <exception cref="ArgumentException">The dimensions differ.</exception>
    public static float CosineSimilarity(Embedding a, Embedding b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Dimension != b.Dimension) throw new ArgumentException($"embeddings of dimension {a.Dimension} and {b.Dimension} cannot be compared");
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Dimension; i++)
        {
            dot += (double)a.Vector[i] * b.Vector[i];
            na += (double)a.Vector[i] * a.Vector[i];
            nb += (double)b.Vector[i] * b.Vector[i];
        }
        return na == 0 || nb == 0 ? 0f : (float)(dot / Math.Sqrt(na * nb));
    }
}
