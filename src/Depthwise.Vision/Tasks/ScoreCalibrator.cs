namespace Depthwise.Vision.Tasks;

/// <summary>
/// Applies TFLite metadata's sigmoid score calibration (<see cref="ScoreCalibration"/>) as the TFLite Task Library's
/// <c>ScoreCalibration</c> does: for score index i with parameters (scale, slope, offset, min_score),
/// f(x) = scale / (1 + e^−(slope · g(x) + offset)) when there is no min_score or x ≥ min_score, else the default
/// score; indices without parameters get the default score.
/// </summary>
public sealed class ScoreCalibrator
{
    private readonly ScoreCalibration _calibration;

    /// <summary>Creates a calibrator for the metadata's calibration.</summary>
    public ScoreCalibrator(ScoreCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        _calibration = calibration;
    }

    /// <summary>The calibrated value of score <paramref name="x"/> at index <paramref name="index"/>.</summary>
    public float Calibrate(int index, float x)
    {
        var parameters = _calibration.Parameters;
        if (parameters is null || index < 0 || index >= parameters.Count || parameters[index] is not { } p)
            return _calibration.DefaultScore;
        if (p.MinScore is float min && x < min) return _calibration.DefaultScore;
        double g = _calibration.Transformation switch
        {
            ScoreTransformation.Log => Math.Log(x),
            ScoreTransformation.InverseLogistic => Math.Log(x) - Math.Log(1.0 - x),
            _ => x,
        };
        return (float)(p.Scale / (1.0 + Math.Exp(-(p.Slope * g + p.Offset))));
    }

    /// <summary>Calibrates every score in place (index = position).</summary>
    public void CalibrateAll(Span<float> scores)
    {
        for (int i = 0; i < scores.Length; i++) scores[i] = Calibrate(i, scores[i]);
    }
}
