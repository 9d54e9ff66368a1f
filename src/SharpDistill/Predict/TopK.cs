namespace SharpDistill.Predict;

/// <summary>One class with its softmax probability.</summary>
public sealed record ClassScore(int Index, string Name, double Probability);

/// <summary>The k most probable classes of one image.</summary>
public sealed record Prediction(string File, IReadOnlyList<ClassScore> Top);

/// <summary>Softmax and top-k over a row of logits.</summary>
public static class TopK
{
    /// <summary>The <paramref name="k"/> most probable classes of <paramref name="logits"/>, most probable first (ties: lower index first).</summary>
    public static IReadOnlyList<ClassScore> Of(ReadOnlySpan<float> logits, int k, IReadOnlyList<string> classNames)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "top-k needs k >= 1");
        // Softmax in double, shifted by the maximum so large logits cannot overflow.
        var max = double.NegativeInfinity;
        foreach (var v in logits) max = Math.Max(max, v);
        var exp = new double[logits.Length];
        var sum = 0.0;
        for (var i = 0; i < logits.Length; i++) sum += exp[i] = Math.Exp(logits[i] - max);
        return Enumerable.Range(0, logits.Length)
            .OrderByDescending(i => exp[i]).ThenBy(i => i).Take(k)
            .Select(i => new ClassScore(i, i < classNames.Count ? classNames[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture), exp[i] / sum))
            .ToArray();
    }
}
