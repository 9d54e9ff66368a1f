using SharpDistill.Config;
using SharpDistill.Training;
using SharpDistill.Training.Logging;

namespace SharpDistill.Cli.Tests;

/// <summary>`study` over seeds end to end on tiny Fashion-MNIST runs: the table, the report, reuse when seeds are added, --from, the paired design, determinism, bad input.</summary>
public class StudySeedsTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("sdseeds").FullName;

    public void Dispose()
    {
        try { Directory.Delete(output, true); } catch (IOException) { }
    }

    private static bool FashionMnist => File.Exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

    private static string[] Study(string folder, string methods, params string[] extra) => new[]
    {
        "study", "--teacher", "resnet8", "--student", "resnet8", "--teacher-epochs", "1", "--methods", methods, "--output-dir", folder,
        "--set", "dataset.train_limit=256", "--set", "dataset.test_limit=256", "--set", "solver.epochs=1", "--set", "log.progress=false",
        "--set", "dataset.name=fashion_mnist", "--set", "dataset.num_workers=2",
    }.Concat(extra).ToArray();

    private static int Count(string text, string part) => text.Split('\n').Count(l => l.Contains(part, StringComparison.Ordinal));

    [SkippableFact]
    public void TwoSeedsGiveTheTableAndReportAndAThirdSeedTrainsOnlyTheNewRuns()
    {
        Skip.IfNot(FashionMnist, "Fashion-MNIST is not installed (/usr/share/datasets/fashion-mnist)");
        var first = CliRunner.Run(Study(output, "kd", "--seeds", "2", "--set", "solver.epochs=2"));
        Assert.True(first.ExitCode == 0, first.ToString());
        foreach (var column in new[] { "last top-1 mean±std", "per seed", "best epoch*", "gain (95% CI)", "verdict" }) Assert.Contains(column, first.Output);
        Assert.Contains("trained once and shared by all 2 seeds", first.Output);
        Assert.Equal(5, Count(first.Output, ": training resnet8")); // the teacher (a resnet8 here) and 2 seeds x (baseline, KD)
        var report = Path.Combine(output, "report");
        Assert.True(File.Exists(Path.Combine(report, "report.html")));
        Assert.True(File.Exists(Path.Combine(report, "accuracy_seeds.svg")));
        Assert.Contains("<polygon", File.ReadAllText(Path.Combine(report, "accuracy_seeds.svg")));
        var markdown = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.Contains("## Over seeds", markdown);
        Assert.Contains("Gain over baseline (95% CI)", markdown);

        var third = CliRunner.Run(Study(output, "kd", "--seeds", "3", "--set", "solver.epochs=2"));
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Contains("Teacher: reusing the finished run", third.Output);
        Assert.Equal(4, Count(third.Output, "reusing the finished run") - 1);
        Assert.Equal(2, Count(third.Output, ": training resnet8"));
        Assert.Contains("Baseline s2: training", third.Output);
        Assert.Contains("KD s2: training", third.Output);

        var rebuilt = CliRunner.Run("study", "--from", output);
        Assert.True(rebuilt.ExitCode == 0, rebuilt.ToString());
        Assert.Contains("report rebuilt from 7 runs without training", rebuilt.Output);
        Assert.DoesNotContain("training resnet8", rebuilt.Output);
        Assert.Equal(TableLines(third.Output), TableLines(rebuilt.Output));

        // The paired design: one seed gives the baseline and the method the same initial student and the same batches.
        var baseline = Directory.GetDirectories(output, "baseline-seed1-*").Single();
        var kd = Directory.GetDirectories(output, "kd-seed1-*").Single();
        var other = Directory.GetDirectories(output, "baseline-seed2-*").Single();
        Assert.Equal(Fingerprint(baseline), Fingerprint(kd));
        Assert.NotEqual(Fingerprint(baseline), Fingerprint(other));
    }

    /// <summary>The table's rows (method names and figures), without the time column that a rebuild does not change but formats alike.</summary>
    private static List<string> TableLines(string text) =>
        text.Split('\n').SkipWhile(l => !l.StartsWith("method ", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0).ToList();

    /// <summary>The student's initial weights and the first epoch's first batch (indices and pixels) that the run's config builds.</summary>
    private static string Fingerprint(string runDirectory)
    {
        var config = RunConfig.Load(new[] { Path.Combine(runDirectory, "config.yaml") }, Array.Empty<string>());
        using var setup = RunFactory.Create(config);
        var weights = setup.Distiller.Student.Parameters().SelectMany(p => p.ToArray<float>()).ToArray();
        using var batch = setup.TrainLoader.Epoch(1).First();
        var pixels = batch.Views[0].ToArray<float>();
        return $"{string.Join(",", batch.Indices)}|{BitConverter.ToString(System.Security.Cryptography.SHA256.HashData(Bytes(weights)))}|{BitConverter.ToString(System.Security.Cryptography.SHA256.HashData(Bytes(pixels)))}";
    }

    private static byte[] Bytes(float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    [SkippableFact]
    public void TheSameSeedOnTheSameMachineRepeatsBitForBit()
    {
        Skip.IfNot(FashionMnist, "Fashion-MNIST is not installed (/usr/share/datasets/fashion-mnist)");
        var a = Path.Combine(output, "a");
        var b = Path.Combine(output, "b");
        Assert.Equal(0, CliRunner.Run(Study(a, "kd", "--seeds", "1,4")).ExitCode);
        // The other order: seed 4 now trains first, in a fresh process state; the teacher is the same (trained with the config's seed).
        Assert.Equal(0, CliRunner.Run(Study(b, "kd", "--seeds", "4,1")).ExitCode);
        foreach (var role in new[] { "baseline", "kd" })
        {
            var first = MetricsLog.Read(Path.Combine(Directory.GetDirectories(a, $"{role}-seed4-*").Single(), "metrics.jsonl"));
            var second = MetricsLog.Read(Path.Combine(Directory.GetDirectories(b, $"{role}-seed4-*").Single(), "metrics.jsonl"));
            Assert.Equal(first.Count, second.Count);
            for (var i = 0; i < first.Count; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(first[i].TrainLoss) == BitConverter.DoubleToInt64Bits(second[i].TrainLoss),
                    $"{role} epoch {i + 1}: train loss {first[i].TrainLoss:R} then {second[i].TrainLoss:R}");
                Assert.Equal(BitConverter.DoubleToInt64Bits(first[i].TestLoss), BitConverter.DoubleToInt64Bits(second[i].TestLoss));
                Assert.Equal(first[i].TestTop1, second[i].TestTop1);
            }
        }
    }

    [SkippableFact]
    public void SharingTheTeachersOutputsBetweenMethodsChangesNoResult()
    {
        Skip.IfNot(FashionMnist, "Fashion-MNIST is not installed (/usr/share/datasets/fashion-mnist)");
        var shared = Path.Combine(output, "shared");
        var recomputed = Path.Combine(output, "recomputed");
        var withCache = CliRunner.Run(Study(shared, "kd,dkd,crld,dcd"));
        Assert.True(withCache.ExitCode == 0, withCache.ToString());
        var withoutCache = CliRunner.Run(Study(recomputed, "kd,dkd,crld,dcd", "--no-teacher-cache"));
        Assert.True(withoutCache.ExitCode == 0, withoutCache.ToString());
        // 256 images in batches of 64: KD computes 4 teacher batches, DKD reuses all 4, CRLD reuses its 4 weak
        // views (the same draws as KD's single view) and computes its 4 strong ones, DCD reuses 4 (with the feature).
        Assert.Contains("12 of 20 teacher batches reused from the teacher output cache", withCache.Output);
        Assert.DoesNotContain("teacher output cache", withoutCache.Output);
        foreach (var role in new[] { "kd", "dkd", "crld", "dcd" })
        {
            var a = MetricsLog.Read(Path.Combine(Directory.GetDirectories(shared, $"{role}-*").Single(), "metrics.jsonl"));
            var b = MetricsLog.Read(Path.Combine(Directory.GetDirectories(recomputed, $"{role}-*").Single(), "metrics.jsonl"));
            Assert.Equal(a.Count, b.Count);
            for (var i = 0; i < a.Count; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(a[i].TrainLoss) == BitConverter.DoubleToInt64Bits(b[i].TrainLoss),
                    $"{role} epoch {i + 1}: train loss {a[i].TrainLoss:R} with the cache, {b[i].TrainLoss:R} without");
                Assert.Equal(BitConverter.DoubleToInt64Bits(a[i].TestLoss), BitConverter.DoubleToInt64Bits(b[i].TestLoss));
            }
        }
    }

    [Fact]
    public void BadSeedsAreOneReadableError()
    {
        var zero = CliRunner.Run(Study(output, "kd", "--seeds", "0"));
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("seeds must be at least 1", zero.Error);
        var twice = CliRunner.Run(Study(output, "kd", "--seeds", "0,3,3"));
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("seed 3 is listed twice", twice.Error);
        var file = Path.Combine(output, "study.yaml");
        File.WriteAllText(file, "seeds: [1, 1]\nsolver:\n  epochs: 1\n");
        var inFile = CliRunner.Run(Study(output, "kd", "--config", file));
        Assert.Equal(2, inFile.ExitCode);
        Assert.Contains("seed 1 is listed twice", inFile.Error);
        Assert.DoesNotContain("   at ", inFile.Error);
    }

    [SkippableFact]
    public void FromRefusesRunsOfDifferentConfigurations()
    {
        Skip.IfNot(FashionMnist, "Fashion-MNIST is not installed (/usr/share/datasets/fashion-mnist)");
        Assert.Equal(0, CliRunner.Run(Study(output, "")).ExitCode);
        Assert.Equal(0, CliRunner.Run(Study(output, "", "--set", "solver.lr=0.01")).ExitCode);
        var mixed = CliRunner.Run("study", "--from", output);
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("differ in more than method and seed", mixed.Error);
        Assert.Contains("lr:", mixed.Error);
        var missing = CliRunner.Run("study", "--from", Path.Combine(output, "nothing-here"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("study folder not found", missing.Error);
    }
}
