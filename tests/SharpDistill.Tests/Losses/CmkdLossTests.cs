using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using static SharpDistill.Tests.Losses.LossTestSupport;

namespace SharpDistill.Tests.Losses;

public class CmkdLossTests
{
    private static (Tensor Student, Tensor Teacher, Tensor Target) Batch(long batch = 6, long classes = 7) =>
        (Randn(30, batch, classes, 2.0), Randn(31, batch, classes, 2.0),
         Tensor.FromArray(Enumerable.Range(0, (int)batch).Select(i => (long)(i % classes)).ToArray()));

    [Fact]
    public void WithEverythingPooledSpearmanOnProbabilitiesIsPearsonSoTheLossIsDist()
    {
        // docs/methods/cmkd.md: probabilities differ by less than 1, so with the libraries' default ε = 1
        // PAV pools every row into one block, the soft rank is p − mean(p) + (n + 1)/2, and its
        // Pearson correlation (same centred vectors, same eps) is exactly DIST's.
        using var scope = new TensorScope();
        var (student, teacher, _) = Batch();
        var settings = new CmkdSettings { RankOn = CmkdRankInput.Probability, RankStrength = 1.0 };
        using var cmkd = CmkdLoss.Compute(student, teacher, null, settings: settings);
        using var dist = DistLoss.Compute(student, teacher, settings.Beta, settings.Gamma, settings.Tau);
        Assert.Equal(Value(dist.Total), Value(cmkd.Total), 9);
        Assert.Equal(1.0, cmkd.MeanInterBlocks);
        Assert.Equal(1.0, cmkd.MeanIntraBlocks);
    }

    [Fact]
    public void WithHardRanksTheSpearmanTermIsTheRankCorrelationAndHasNoGradient()
    {
        using var scope = new TensorScope();
        var (student, teacher, _) = Batch(batch: 3, classes: 6);
        // Spearman only (λ = 1), no intra term, ranks exact on both sides.
        var settings = new CmkdSettings { Gamma = 0, RankStrength = 1e-6, TeacherRank = CmkdTeacherRank.Hard, Weighting = CmkdWeighting.Fixed, FixedWeight = 1.0, Tau = 1.0, Beta = 1.0 };
        var leaf = student.Clone().RequiresGrad_();
        using var terms = CmkdLoss.Compute(leaf, teacher, null, settings: settings);
        Assert.Equal(6.0, terms.MeanInterBlocks);
        double[] HardRanks(double[] row) => row.Select(v => (double)row.Count(w => w < v) + 1).ToArray();
        var s = ReferenceFormulas.Rows(Values(student), 6);
        var t = ReferenceFormulas.Rows(Values(teacher), 6);
        var expected = Enumerable.Range(0, 3).Average(i => 1 - ReferenceFormulas.Pearson(HardRanks(s[i]), HardRanks(t[i])));
        Assert.Equal(expected, Value(terms.Total), 9);
        var grad = Autograd.Grad(new[] { terms.Total }, new[] { leaf })[0]!;
        Assert.All(Values(grad), g => Assert.Equal(0.0, g, 12));
    }

    [Theory]
    [InlineData(CmkdRankInput.Logit, SoftRankRegularization.L2, CmkdTeacherRank.Soft)]
    [InlineData(CmkdRankInput.Probability, SoftRankRegularization.L2, CmkdTeacherRank.Hard)]
    [InlineData(CmkdRankInput.Logit, SoftRankRegularization.Kl, CmkdTeacherRank.Soft)]
    public void GradientMatchesFiniteDifferences(CmkdRankInput rankOn, SoftRankRegularization regularization, CmkdTeacherRank teacherRank)
    {
        using var scope = new TensorScope();
        var (student, teacher, target) = Batch(batch: 4, classes: 5);
        var settings = new CmkdSettings { RankOn = rankOn, RankRegularization = regularization, TeacherRank = teacherRank, RankStrength = rankOn == CmkdRankInput.Logit ? 0.3 : 0.02, Difficulty = CmkdDifficulty.GroundTruthProbability };
        Tensor Loss(Tensor s) => CmkdLoss.Compute(s, teacher, target, settings).Total;
        AssertClose(FiniteDifferenceGradient(student, Loss), AutogradGradient(student, Loss), 1e-6, "∂CMKD/∂student");
    }

    [Fact]
    public void DifficultyWeights()
    {
        using var scope = new TensorScope();
        // Row 0: uniform teacher (hardest); row 1: nearly one-hot (easiest); row 2 in between.
        var pt = Tensor.FromArray(new[] { 0.25, 0.25, 0.25, 0.25, 0.97, 0.01, 0.01, 0.01, 0.5, 0.3, 0.1, 0.1 }, 3, 4);
        var target = Labels(0, 1, 0);
        double[] W(CmkdSettings s) => Values(CmkdLoss.SampleWeights(pt, target, 3, 4, s));

        var entropy = W(new CmkdSettings());
        Assert.Equal(1.0, entropy[0], 12);
        var h1 = -(0.97 * Math.Log(0.97) + 3 * 0.01 * Math.Log(0.01)) / Math.Log(4);
        Assert.Equal(h1, entropy[1], 12);
        AssertClose(new[] { 0.75, 0.03, 0.5 }, W(new CmkdSettings { Difficulty = CmkdDifficulty.Confidence }), 1e-12, "confidence difficulty");
        AssertClose(new[] { 0.75, 0.99, 0.5 }, W(new CmkdSettings { Difficulty = CmkdDifficulty.GroundTruthProbability }), 1e-12, "ground-truth difficulty");
        var minMax = W(new CmkdSettings { WeightNormalization = CmkdWeightNormalization.MinMax });
        Assert.Equal(1.0, minMax.Max(), 6);
        Assert.Equal(0.0, minMax.Min(), 12);
        var sigmoid = W(new CmkdSettings { WeightNormalization = CmkdWeightNormalization.Sigmoid });
        // sigmoid((d − mean d)/T_w): the logits of the weights are centred on zero.
        Assert.Equal(0.0, sigmoid.Select(w => Math.Log(w / (1 - w))).Average(), 12);
        Assert.Equal(new[] { 0.3, 0.3, 0.3 }, W(new CmkdSettings { Weighting = CmkdWeighting.Fixed, FixedWeight = 0.3 }));
    }

    [Fact]
    public void SpearmanOnHardSwapsTheRoles()
    {
        using var scope = new TensorScope();
        var (student, teacher, _) = Batch();
        double Total(double lambda, bool onHard) => Value(CmkdLoss.Compute(student, teacher, null, settings:
            new CmkdSettings { Weighting = CmkdWeighting.Fixed, FixedWeight = lambda, SpearmanOnHard = onHard }).Total);
        Assert.Equal(Total(0.8, true), Total(0.2, false), 12);
        Assert.NotEqual(Total(0.8, true), Total(0.8, false), 6);
    }

    [Fact]
    public void IdenticalStudentAndTeacherGiveNearZero()
    {
        using var scope = new TensorScope();
        var (student, _, _) = Batch();
        using var terms = CmkdLoss.Compute(student, student, null, new CmkdSettings());
        Assert.True(Math.Abs(Value(terms.Total)) < 1e-3, $"got {Value(terms.Total)}"); // eps 1e-8 on the norm product
    }

    [Fact]
    public void RejectsBadSettingsAndInputs()
    {
        using var scope = new TensorScope();
        var (student, teacher, _) = Batch();
        var one = Randn(1, 1, 5);
        // One sample: the intra-class terms have nothing to correlate and contribute 0 (docs/training.md).
        using (var oneSample = CmkdLoss.Compute(one, Randn(2, 1, 5), null, new CmkdSettings()))
        {
            Assert.Equal(0.0, Value(oneSample.Intra));
            Assert.Equal(Value(oneSample.Inter), Value(oneSample.Total));
        }
        Assert.Contains("labels", Assert.Throws<ArgumentException>(() =>
            CmkdLoss.Compute(student, teacher, null, settings: new CmkdSettings { Difficulty = CmkdDifficulty.GroundTruthProbability })).Message);
        Assert.Contains("rank_strength", Assert.Throws<ArgumentException>(() =>
            CmkdLoss.Compute(student, teacher, null, settings: new CmkdSettings { RankStrength = 0 })).Message);
        Assert.Contains("fixed_weight", Assert.Throws<ArgumentException>(() =>
            CmkdLoss.Compute(student, teacher, null, settings: new CmkdSettings { FixedWeight = 1.5 })).Message);
        var single = Randn(3, 4, 1);
        Assert.Contains("classes", Assert.Throws<ArgumentException>(() => CmkdLoss.Compute(single, single, null, new CmkdSettings())).Message);
    }
}
