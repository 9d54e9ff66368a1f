using SharpDistill.Tests.Training;

namespace SharpDistill.Tests.Distillers;

/// <summary>Every method, for real, on Fashion-MNIST: a short seeded run from a small trained teacher must learn.</summary>
public class MethodsLearnTests
{
    [FashionMnistFact]
    public void EveryMethodLearnsFromASmallTeacher()
    {
        using var fixture = new TrainingFixture();
        var teacher = fixture.Train(fixture.Config("teacher", epochs: 2, trainImages: 2048, testImages: 256, "models.student=resnet14"));
        Assert.True(teacher.BestTop1 > 40, $"teacher reached only {teacher.BestTop1}");
        var expectations = new (string Method, string[] Extra, string[] Terms)[]
        {
            ("kd", Array.Empty<string>(), new[] { "loss_ce", "loss_kd" }),
            ("dkd", new[] { "distiller.dkd.warmup=1" }, new[] { "loss_ce", "loss_kd" }),
            ("dist", Array.Empty<string>(), new[] { "loss_ce", "loss_kd" }),
            ("crld", Array.Empty<string>(), new[] { "loss_ce", "loss_kd_wv", "loss_kd_cv" }),
            ("dcd", new[] { "distiller.dcd.kd_weight=1" }, new[] { "loss_ce", "loss_kd", "loss_dcd" }),
            ("cmkd", Array.Empty<string>(), new[] { "loss_ce", "loss_kd" }),
            ("dkd", new[] { "distiller.cross_view.enabled=true", "distiller.dkd.warmup=1" }, new[] { "loss_ce", "loss_kd_wv", "loss_kd_cv" }),
        };
        foreach (var (method, extra, terms) in expectations)
        {
            var settings = new List<string> { $"distiller.method={method}", "models.teacher=resnet14", $"models.teacher_checkpoint={teacher.BestCheckpoint}" };
            settings.AddRange(extra);
            var result = fixture.Train(fixture.Config($"{method}{extra.Length}", epochs: 2, trainImages: 2048, testImages: 256, settings.ToArray()));
            Assert.True(result.BestTop1 > 25, $"{method} {string.Join(' ', extra)} reached only {result.BestTop1}% (chance 10%)");
            var last = result.History.Last();
            Assert.Equal(terms.Order(), last.TrainTerms.Keys.Order());
            Assert.True(double.IsFinite(last.TrainLoss));
            Assert.True(last.TrainLoss < result.History.First().TrainLoss * 1.5, $"{method}: training loss went from {result.History.First().TrainLoss} to {last.TrainLoss}");
        }
    }
}
