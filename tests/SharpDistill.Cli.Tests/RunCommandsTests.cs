namespace SharpDistill.Cli.Tests;

/// <summary>train, distill, eval, config and study end to end on tiny Fashion-MNIST runs.</summary>
public class RunCommandsTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("sdcli").FullName;

    public void Dispose()
    {
        try { Directory.Delete(output, true); } catch (IOException) { }
    }


    private string[] Tiny(string name, params string[] extra) => new[]
    {
        "--set", $"experiment.output_dir={output}", "--set", $"experiment.name={name}", "--set", "dataset.train_limit=256",
        "--set", "dataset.test_limit=128", "--set", "solver.epochs=1", "--set", "log.progress=false", "--set", "models.student=resnet8",
        "--set", "dataset.num_workers=2",
    }.Concat(extra).ToArray();

    [Fact]
    public void ConfigPrintsEveryResolvedKeyAndRejectsUnknownKeys()
    {
        var ok = CliRunner.Run("config", "--set", "solver.lr=0.01");
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("lr: 0.01", ok.Output);
        Assert.Contains("tau_w: 0.9", ok.Output);
        var bad = CliRunner.Run("config", "--set", "solver.learning_rate=0.01");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("error: unknown config key 'solver.learning_rate'", bad.Error);
        Assert.Contains("valid keys of 'solver'", bad.Error);
        Assert.Contains("hint:", bad.Error);
        Assert.Equal(2, CliRunner.Run("train", "--config", Path.Combine(output, "missing.yaml")).ExitCode);
    }

    [FashionMnistFact]
    public void TrainThenDistillThenEvaluate()
    {
        var teacher = CliRunner.Run(new[] { "train" }.Concat(Tiny("teacher")).ToArray());
        Assert.True(teacher.ExitCode == 0, teacher.ToString());
        Assert.Contains("best test top-1", teacher.Output);
        var checkpoint = Path.Combine(output, "teacher", "checkpoints", "best.safetensors");
        Assert.True(File.Exists(checkpoint));

        var student = CliRunner.Run(new[] { "distill", "--method", "crld", "--teacher-checkpoint", checkpoint }
            .Concat(Tiny("crld", "--set", "models.teacher=resnet8")).ToArray());
        Assert.True(student.ExitCode == 0, student.ToString());
        Assert.Contains("2 views", student.Output);

        var again = CliRunner.Run(new[] { "distill", "--method", "crld", "--teacher-checkpoint", checkpoint }
            .Concat(Tiny("crld", "--set", "models.teacher=resnet8")).ToArray());
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.Error);

        var eval = CliRunner.Run("eval", Path.Combine(output, "crld", "checkpoints", "best.safetensors"));
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.Contains("resnet8 on fashion-mnist/test[:128] (128 images): top-1", eval.Output);

        var noTeacher = CliRunner.Run(new[] { "distill", "--method", "kd" }.Concat(Tiny("kd", "--set", "models.teacher=resnet8")).ToArray());
        Assert.Equal(2, noTeacher.ExitCode);
        Assert.Contains("teacher_checkpoint", noTeacher.Error);
        var wrongTeacher = CliRunner.Run(new[] { "distill", "--method", "kd", "--teacher-checkpoint", checkpoint }
            .Concat(Tiny("kd2", "--set", "models.teacher=resnet20")).ToArray());
        Assert.Equal(2, wrongTeacher.ExitCode);
        Assert.Contains("does not fit", wrongTeacher.Error);
        Assert.Equal(2, CliRunner.Run(new[] { "distill", "--method", "magic" }.Concat(Tiny("m")).ToArray()).ExitCode);
    }

    [FashionMnistFact]
    public void AStudyReusesItsTeacherAndWritesTheReport()
    {
        string[] Study() => new[] { "study", "--teacher", "resnet8", "--student", "resnet8", "--teacher-epochs", "1", "--methods", "kd,crld",
            "--output-dir", output, "--set", "dataset.train_limit=256", "--set", "dataset.test_limit=128", "--set", "solver.epochs=1",
            "--set", "log.progress=false", "--set", "dataset.name=fashion_mnist", "--set", "dataset.num_workers=2" };
        var first = CliRunner.Run(Study());
        Assert.True(first.ExitCode == 0, first.ToString());
        foreach (var row in new[] { "Teacher", "Baseline", "KD", "CRLD" }) Assert.Contains("\n" + row, first.Output);
        Assert.True(File.Exists(Path.Combine(output, "report", "report.html")));
        Assert.True(File.Exists(Path.Combine(output, "report", "accuracy.svg")));
        var second = CliRunner.Run(Study());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Teacher: reusing the finished run", second.Output);
        Assert.Contains("CRLD: reusing the finished run", second.Output);
    }
}
