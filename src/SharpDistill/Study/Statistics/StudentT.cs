namespace SharpDistill.Study.Statistics;

/// <summary>Quantiles of Student's t distribution (from MathNet.Numerics), for confidence intervals over a few seeds.</summary>
public static class StudentT
{
    /// <summary>The p-quantile of t with <paramref name="degreesOfFreedom"/> degrees of freedom, e.g. Quantile(0.975, 2) = 4.303.</summary>
    public static double Quantile(double p, int degreesOfFreedom)
    {
        if (degreesOfFreedom < 1) throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "Student t needs at least 1 degree of freedom");
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "a quantile's probability lies strictly between 0 and 1");
        return MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, degreesOfFreedom, p);
    }
}
