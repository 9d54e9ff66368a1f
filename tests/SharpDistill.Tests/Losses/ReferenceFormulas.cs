namespace SharpDistill.Tests.Losses;

/// <summary>
/// The formulas of docs/methods/ in plain double arithmetic, row by row: an implementation independent of the
/// tensor code, to check the library's losses by hand on small inputs.
/// </summary>
internal static class ReferenceFormulas
{
    public static double[] Softmax(double[] z, double t = 1)
    {
        var max = z.Max(v => v / t);
        var e = z.Select(v => Math.Exp(v / t - max)).ToArray();
        var sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    /// <summary>Σ p (log p − log q), with 0·log 0 = 0.</summary>
    public static double Kl(double[] p, double[] q) =>
        p.Zip(q, (a, b) => a == 0 ? 0 : a * (Math.Log(a) - Math.Log(b))).Sum();

    /// <summary>KD_T for one sample: T²·KL(softmax(t/T) ‖ softmax(s/T)).</summary>
    public static double KdSample(double[] student, double[] teacher, double t) =>
        t * t * Kl(Softmax(teacher, t), Softmax(student, t));

    public static double CrossEntropySample(double[] logits, long label)
    {
        var max = logits.Max();
        var lse = max + Math.Log(logits.Sum(v => Math.Exp(v - max)));
        return lse - logits[label];
    }

    /// <summary>α·TCKD + β·NCKD for one sample (before the mean over the batch).</summary>
    public static (double Tckd, double Nckd) DkdSample(double[] student, double[] teacher, long label, double t)
    {
        var ps = Softmax(student, t);
        var pt = Softmax(teacher, t);
        double[] Binary(double[] p) => new[] { p[label], p.Where((_, c) => c != label).Sum() };
        var tckd = t * t * Kl(Binary(pt), Binary(ps));
        double[] Others(double[] z) => Softmax(z.Where((_, c) => c != label).ToArray(), t);
        var nckd = t * t * Kl(Others(teacher), Others(student));
        return (tckd, nckd);
    }

    public static double Pearson(double[] u, double[] v, double eps = 1e-8)
    {
        var mu = u.Average();
        var mv = v.Average();
        double dot = 0, nu = 0, nv = 0;
        for (var i = 0; i < u.Length; i++)
        {
            dot += (u[i] - mu) * (v[i] - mv);
            nu += (u[i] - mu) * (u[i] - mu);
            nv += (v[i] - mv) * (v[i] - mv);
        }
        return dot / (Math.Sqrt(nu) * Math.Sqrt(nv) + eps);
    }

    public static double[][] Rows(double[] flat, int columns) => flat.Chunk(columns).ToArray();
}
