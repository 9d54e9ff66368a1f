using SharpDistill.Reports;
using SharpDistill.Training.Logging;

namespace SharpDistill.Tests.Reports;

/// <summary>
/// A plausible Fashion-MNIST study (teacher ~93%, baseline ~88%, methods 88.5–90%) with smooth,
/// seeded learning curves and each method's own loss terms, for report tests and screenshots.
/// </summary>
public static class FakeStudy
{
    public static StudyReportInput Create(int epochs = 8, DateTimeOffset? at = null)
    {
        var runs = new List<StudyRun>
        {
            Run("Teacher", StudyRunRole.Teacher, "resnet56", 861_620, "", 93.1, epochs, 1, 41.0, "loss_ce"),
            Run("Baseline", StudyRunRole.Baseline, "resnet8", 78_042, "", 88.2, epochs, 2, 9.5, "loss_ce"),
            Run("KD", StudyRunRole.Method, "resnet8", 78_042, "resnet56", 88.9, epochs, 3, 12.1, "loss_ce", "loss_kd"),
            Run("DKD", StudyRunRole.Method, "resnet8", 78_042, "resnet56", 89.3, epochs, 4, 12.4, "loss_ce", "loss_kd"),
            Run("CRLD", StudyRunRole.Method, "resnet8", 78_042, "resnet56", 89.9, epochs, 5, 23.8, "loss_ce", "loss_kd_wv", "loss_kd_cv"),
            Run("DCD", StudyRunRole.Method, "resnet8", 78_042, "resnet56", 89.1, epochs, 6, 14.0, "loss_ce", "loss_kd", "loss_dcd"),
            Run("CMKD", StudyRunRole.Method, "resnet8", 78_042, "resnet56", 88.6, epochs, 7, 13.2, "loss_ce", "loss_kd"),
        };
        return new StudyReportInput
        {
            Title = "Logit distillation on Fashion-MNIST: resnet56 → resnet8",
            Dataset = "Fashion-MNIST",
            Runs = runs,
            BaselineName = "Baseline",
            GeneratedAt = at ?? new DateTimeOffset(2025, 6, 1, 14, 2, 0, TimeSpan.FromHours(2)),
            Environment = new StudyEnvironment
            {
                LibTorchVersion = "1.13.0",
                Threads = 2,
                Cores = 2,
                Cpu = "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz",
                Device = "cpu",
                OperatingSystem = "Debian GNU/Linux 12 (bookworm) x64",
                DotNetVersion = ".NET 10.0.0",
            },
            Notes = new[]
            {
                "Short schedule (8 epochs) for a quick comparison; published recipes train for 240 epochs.",
                "All students share the same seed, data order and augmentation.",
            },
        };
    }

    public static StudyRun Run(string name, StudyRunRole role, string model, long parameters, string teacher,
        double finalTop1, int epochs, int seed, double secondsPerEpoch, params string[] terms) => new()
    {
        Name = name,
        Role = role,
        RunDirectory = $"runs/fashion_mnist/{name.ToLowerInvariant()}",
        Model = model,
        Parameters = parameters,
        TeacherModel = teacher,
        TeacherParameters = teacher.Length > 0 ? 861_620 : null,
        Metrics = Curve(finalTop1, epochs, seed, secondsPerEpoch, terms),
        ConfigYaml = $"""
            dataset: fashion_mnist
            method: {name.ToLowerInvariant()}
            student: {model}
            teacher: {(teacher.Length > 0 ? teacher : "null")}
            epochs: {epochs}
            batch_size: 128
            optimizer:
              lr: 0.05
              momentum: 0.9
              weight_decay: 0.0005
            seed: 0

            """,
    };

    /// <summary>Accuracy rising towards <paramref name="finalTop1"/> with a little seeded noise; loss terms decaying.</summary>
    public static IReadOnlyList<EpochMetrics> Curve(double finalTop1, int epochs, int seed, double secondsPerEpoch, params string[] terms)
    {
        var random = new Random(seed);
        var rows = new List<EpochMetrics>();
        var best = double.NegativeInfinity;
        for (var e = 1; e <= epochs; e++)
        {
            var progress = 1 - Math.Exp(-0.55 * (e - 1));
            var top1 = finalTop1 - 9.0 * (1 - progress) + (random.NextDouble() - 0.5) * 0.5;
            best = Math.Max(best, top1);
            var termValues = terms.Select((t, i) => new KeyValuePair<string, double>(t,
                (i == 0 ? 0.9 : 1.6 / (i + 1)) * Math.Exp(-0.25 * (e - 1)) + 0.08 + random.NextDouble() * 0.02)).ToDictionary();
            rows.Add(new EpochMetrics
            {
                Epoch = e,
                Lr = 0.05 * (e > epochs * 0.75 ? 0.1 : 1),
                TrainLoss = termValues.Values.Sum(),
                TrainTerms = termValues,
                TrainTop1 = top1 + 1.5,
                TrainTop5 = 99.5,
                TestTop1 = top1,
                TestTop5 = 99.6,
                TestLoss = 0.3 + 0.2 * (1 - progress),
                BestTop1 = best,
                EpochSeconds = secondsPerEpoch * (1 + (random.NextDouble() - 0.5) * 0.1),
                ImagesPerSecond = 60_000 / secondsPerEpoch,
            });
        }
        return rows;
    }
}
