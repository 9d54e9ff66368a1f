using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using static SharpDistill.Tests.Losses.LossTestSupport;

namespace SharpDistill.Tests.Losses;

/// <summary>
/// Distillers run the frozen teacher under libtorch's inference mode; its outputs are inference
/// tensors, which autograd refuses to save. Every loss must still back-propagate into the student.
/// </summary>
public class InferenceModeTeacherTests
{
    [Fact]
    public void EveryLossAcceptsInferenceModeTeacherLogits()
    {
        using var scope = new TensorScope();
        Tensor teacher, teacherStrong;
        using (Autograd.InferenceMode())
        {
            teacher = Randn(1, 6, 5, 2.0);
            teacherStrong = Randn(2, 6, 5, 2.0);
        }
        var student = Randn(3, 6, 5).RequiresGrad_();
        var studentStrong = Randn(4, 6, 5).RequiresGrad_();
        var target = Labels(0, 1, 2, 3, 4, 0);

        var losses = new[]
        {
            KdLoss.Compute(student, teacher, 4.0),
            DkdLoss.Compute(student, teacher, target, 1.0, 8.0, 4.0).Total,
            DistLoss.Compute(student, teacher, 2.0, 2.0, 4.0).Total,
            CrldLoss.Compute(student, studentStrong, teacher, teacherStrong, target, new CrldSettings()).Total,
            CmkdLoss.Compute(student, teacher, target, new CmkdSettings()).Total,
            CmkdLoss.Compute(student, teacher, target, new CmkdSettings { TeacherRank = CmkdTeacherRank.Hard, RankOn = CmkdRankInput.Probability, RankStrength = 0.01 }).Total,
        };
        foreach (var loss in losses)
        {
            var grad = Autograd.Grad(new[] { loss }, new[] { student })[0];
            Assert.NotNull(grad);
            Assert.All(Values(grad!), g => Assert.True(double.IsFinite(g)));
        }
    }
}
