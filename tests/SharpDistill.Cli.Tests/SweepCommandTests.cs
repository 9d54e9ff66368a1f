using SharpDistill.TestSupport;

namespace SharpDistill.Cli.Tests;

/// <summary>`sweep` end to end on tiny Fashion-MNIST runs: the table and report of a 2×2 grid over 2 seeds, reuse on a second call, bad input.</summary>
public class SweepCommandTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("sdsweep").FullName;

    public void Dispose()
    {
        try { Directory.Delete(output, true); } catch (IOException) { }
    }

    private string[] Sweep(params string[] extra) => new[]
    {
        "sweep", "--output-dir", output, "--teacher-epochs", "1",
        "--set", "dataset.name=fashion_mnist", "--set", "dataset.train_limit=128", "--set", "dataset.test_limit=128",
        "--set", "solver.epochs=1", "--set", "solver.lr_decay_stages=[]", "--set", "log.progress=false", "--set", "log.tensorboard=false",
        "--set", "dataset.num_workers=1", "--set", "models.student=resnet8", "--set", "models.teacher=resnet8",
    }.Concat(extra).ToArray();

    private static int Count(string text, string part) => text.Split('\n').Count(l => l.Contains(part, StringComparison.Ordinal));

    [FashionMnistFact]
    public void ATwoByTwoGridOverTwoSeedsGivesItsTableAndHeatMapAndIsReusedOnASecondCall()
    {
        var arguments = Sweep("--seeds", "2", "--set", "distiller.method=kd",
            "--grid", "distiller.kd.temperature=2,4", "--grid", "solver.lr=0.05,0.1");
        var first = CliRunner.Run(arguments);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("sweep: 4 cell(s) × 2 seed(s) = 8 run(s)", first.Output);
        Assert.Equal(1, Count(first.Output, "Teacher resnet8: training")); // one teacher, shared by every cell and seed
        Assert.Equal(9, Count(first.Output, ": training resnet8"));
        Assert.Contains("(9 run(s) trained, 0 reused)", first.Output);
        foreach (var column in new[] { "distiller.kd.temperature", "solver.lr", "seeds", "last top-1 (95% CI)", "per seed" })
            Assert.Contains(column, first.Output);
        // Each cell's row: its two values, 2 seeds and a mean ± interval.
        Assert.Equal(4, first.Output.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^[24]\s+0\.(05|1)\s+2\s+\d+\.\d\d ± \d+\.\d\d")));

        var report = Path.Combine(output, "report");
        var html = File.ReadAllText(Path.Combine(report, "report.html"));
        Assert.Contains("<svg", html);
        Assert.Contains("distiller.kd.temperature", html);
        var heatMap = File.ReadAllText(Path.Combine(report, "sweep.svg"));
        Assert.Equal(4, Count(heatMap, "<rect x=")); // one coloured square per cell
        var markdown = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.Contains("| distiller.kd.temperature | solver.lr | seeds | last top-1 (95% CI) |", markdown);
        Assert.Equal(File.ReadAllText(Path.Combine(report, "sweep.txt")).Split('\n')[0], first.Output.Split('\n').First(l => l.StartsWith("distiller.kd.temperature", StringComparison.Ordinal)));

        var second = CliRunner.Run(arguments);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("(0 run(s) trained, 9 reused)", second.Output);
        Assert.Equal(0, Count(second.Output, ": training resnet8"));
        Assert.Equal(TableLines(first.Output), TableLines(second.Output));
    }

    [FashionMnistFact]
    public void ASweepConfigFileGivesTheGridAndSeedsAndOneNumericKeyDrawsALineChart()
    {
        var file = Path.Combine(output, "grid.yaml");
        File.WriteAllText(file, """
            seeds: [3]
            grid:
              distiller.crld.tau_w: [0.0, 0.9]
            distiller:
              method: crld
            """);
        var run = CliRunner.Run(Sweep("-c", file));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("sweep: 2 cell(s) × 1 seed(s) = 2 run(s)", run.Output);
        Assert.Contains("tau_w=0.9 s3: training resnet8 from resnet8 with crld", run.Output);
        var chart = File.ReadAllText(Path.Combine(output, "report", "sweep.svg"));
        Assert.Contains("<path", chart);
        Assert.Contains("distiller.crld.tau_w", chart);
    }

    [FashionMnistFact]
    public void ACombinationTrainsWithEachTermLoggedUnderItsOwnName()
    {
        var run = CliRunner.Run(Sweep("--grid", "distiller.method=combo",
            "--set", "distiller.combo.terms=[{method: cmkd, weight: 1.0}, {method: kd, weight: 0.5}]"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("with combo for 1 epochs", run.Output);
        var directory = Directory.GetDirectories(output, "methodcombo-seed0-*").Single();
        var terms = SharpDistill.Training.Logging.MetricsLog.Read(Path.Combine(directory, "metrics.jsonl")).Single().TrainTerms;
        Assert.Equal(new[] { "cmkd.loss_kd", "kd.loss_kd", "loss_ce" }, terms.Keys.Order(StringComparer.Ordinal));
        Assert.All(terms.Values, v => Assert.True(double.IsFinite(v) && v > 0, $"{v}"));
    }

    [Theory]
    [InlineData(new[] { "--grid", "distiller.crld.tau_ww=0.5,0.7" }, "--grid distiller.crld.tau_ww: no such config key; did you mean distiller.crld.tau_w?\n")]
    [InlineData(new[] { "--grid", "solver.lrr=0.1" }, "did you mean solver.lr")]
    [InlineData(new string[0], "the sweep's grid is empty")]
    [InlineData(new[] { "--grid", "solver.lr=" }, "--grid solver.lr: no values")]
    [InlineData(new[] { "--grid", "solver.lr=0.1,0.1" }, "--grid solver.lr: the value 0.1 is listed twice")]
    [InlineData(new[] { "--grid", "experiment.seed=1,2" }, "--grid experiment.seed: the sweep sets this key itself; give the seeds with --seeds")]
    [InlineData(new[] { "--grid", "solver.epochs=1,0" }, "sweep cell epochs=0: solver.epochs must be at least 1, got 0")]
    [InlineData(new[] { "--grid", "solver.lr=0.1,fast" }, "sweep cell lr=fast: solver.lr (--set): expected a number, got 'fast'")]
    [InlineData(new[] { "--grid", "distiller.combo.terms=[]", "--set", "distiller.method=combo" }, "sweep cell terms=[]: distiller.combo.terms is empty")]
    [InlineData(new[] { "--grid", "solver.lr=0.1", "--seeds", "0" }, "seeds must be at least 1")]
    public void BadGridsAreOneReadableErrorBeforeAnythingTrains(string[] extra, string message)
    {
        var run = CliRunner.Run(Sweep(extra));
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Empty(Directory.GetDirectories(output));
    }

    /// <summary>The table's rows (the time column is the runs' epoch times, the same when they are reused).</summary>
    private static List<string> TableLines(string text) =>
        text.Split('\n').SkipWhile(l => !l.StartsWith("distiller.", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0).ToList();
}
