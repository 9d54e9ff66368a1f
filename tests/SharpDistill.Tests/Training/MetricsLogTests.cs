using SharpDistill.Training.Logging;

namespace SharpDistill.Tests.Training;

public class MetricsLogTests
{
    private static EpochMetrics Row(int epoch, double top1, params (string, double)[] terms) => new()
    {
        Epoch = epoch, Lr = 0.05, TrainLoss = 1.5, TrainTerms = terms.ToDictionary(t => t.Item1, t => t.Item2),
        TrainTop1 = 40, TrainTop5 = 80, TestTop1 = top1, TestTop5 = 90, TestLoss = 1.2, BestTop1 = top1, EpochSeconds = 3.5,
        ImagesPerSecond = 1000,
    };

    [Fact]
    public void AppendsJsonLinesAndRewritesCsvWithEveryTerm()
    {
        var dir = Directory.CreateTempSubdirectory("sdmetrics").FullName;
        try
        {
            var log = new MetricsLog(dir);
            log.Append(Row(1, 50, ("loss_ce", 1.0)));
            log.Append(Row(2, 60.25, ("loss_ce", 0.5), ("loss_kd", 0.25)));
            var rows = log.ReadAll();
            Assert.Equal(2, rows.Count);
            Assert.Equal(60.25, rows[1].TestTop1);
            Assert.Equal(0.25, rows[1].TrainTerms["loss_kd"]);
            var csv = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
            Assert.Equal(3, csv.Length);
            Assert.EndsWith("loss_ce,loss_kd", csv[0]);
            Assert.StartsWith("1,0.05,", csv[1]);
            Assert.EndsWith(",1,", csv[1]);
            Assert.EndsWith(",0.5,0.25", csv[2]);

            log.TruncateAfter(1);
            Assert.Single(log.ReadAll());
            Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void WorkLogUsesTheCrldLayout()
    {
        var dir = Directory.CreateTempSubdirectory("sdworklog").FullName;
        try
        {
            var log = new WorkLog(dir);
            log.Epoch(Row(3, 71.234, ("loss_ce", 0.5)));
            log.Finish(72.5, 71.234);
            var text = File.ReadAllText(Path.Combine(dir, "worklog.txt"));
            Assert.Contains("epoch: 3\n", text);
            Assert.Contains("test_acc: 71.23\n", text);
            Assert.Contains("best_acc\t72.50\n", text);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
