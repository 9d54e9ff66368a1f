using System.Globalization;
using System.Text.Json.Nodes;

namespace SharpDistill.Cli.Tests.Methods;

/// <summary>
/// <see cref="TinyMethod"/>, defined in this test project with one descriptor, is known to every
/// surface that lists or builds methods, without any change to src/.
/// </summary>
public class NewMethodTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("sdtiny").FullName;

    public void Dispose()
    {
        try { Directory.Delete(output, true); } catch (IOException) { }
    }

    [Fact]
    public void ConfigBindsAndPrintsItsSettings()
    {
        var defaults = CliRunner.Run("config", "--set", "distiller.method=tiny");
        Assert.True(defaults.ExitCode == 0, defaults.ToString());
        Assert.Contains("method: 'tiny'", defaults.Output);
        Assert.Contains("\n  tiny:\n    weight: 0.25\n", defaults.Output);
        var changed = CliRunner.Run("config", "--set", "distiller.tiny.weight=2");
        Assert.Contains("\n  tiny:\n    weight: 2.0\n", changed.Output);
        var typo = CliRunner.Run("config", "--set", "distiller.tiny.wieght=2");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("valid keys of 'distiller.tiny': weight", typo.Error);
    }

    [Fact]
    public void DistillAndStudyOfferIt()
    {
        Assert.Contains("tiny   test-only: CE plus the mean squared difference of the logits", CliRunner.Run("distill", "--help").Output);
        Assert.Matches("--methods <methods> .*default: .*tiny", CliRunner.Run("study", "--help").Output.Replace("\n", " "));
        Assert.Contains(", tiny", CliRunner.Run("bench", "--help").Output);
    }

    [Fact]
    public void StudyAndDistillTrainWithIt()
    {
        using var data = new TinyMnist();
        var tiny = new[] { "--set", "dataset.train_limit=64", "--set", "dataset.test_limit=32", "--set", "solver.epochs=1", "--set", "log.progress=false" }
            .Concat(data.Settings).ToArray();
        var study = CliRunner.Run(new[] { "study", "--teacher", "resnet8", "--student", "resnet8", "--teacher-epochs", "1", "--methods", "tiny",
            "--output-dir", output }.Concat(tiny).ToArray());
        Assert.True(study.ExitCode == 0, study.ToString());
        Assert.Contains("TINY: training resnet8 from resnet8 with tiny", study.Output);
        Assert.Contains("\nTINY", study.Output); // a row of the results table

        var teacher = Directory.GetDirectories(output, "teacher-*").Single();
        var distill = CliRunner.Run(new[] { "distill", "--method", "tiny", "--teacher-checkpoint", Path.Combine(teacher, "checkpoints", "best.safetensors"),
            "--set", "models.teacher=resnet8", "--set", "models.student=resnet8", "--set", $"experiment.output_dir={output}",
            "--set", "experiment.name=tiny" }.Concat(tiny).ToArray());
        Assert.True(distill.ExitCode == 0, distill.ToString());
        Assert.Contains("tiny student resnet8 from teacher resnet8 on mnist", distill.Output);
        Assert.Contains("loss_kd", File.ReadAllText(Path.Combine(output, "tiny", "metrics.csv")));
    }

    [Fact]
    public void BenchTimesIt()
    {
        var bench = CliRunner.Run("bench", "--method", "tiny", "--teacher", "resnet8", "--student", "resnet8", "--classes", "10",
            "--batch-size", "2", "--steps", "1", "--warmup-steps", "0", "--pipeline-samples", "4", "--workers", "1", "--teacher-compare-reps", "1");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        Assert.Contains("bench: tiny, resnet8 -> resnet8", bench.Output);
    }

    [Fact]
    public void ConformanceChecksItsVectors()
    {
        // weight·mean(d²) with d = student − teacher = [1, 2]: 0.5·2.5; its gradient weight·2d/n.
        var vectors = new JsonObject
        {
            ["cases"] = new JsonArray(new JsonObject
            {
                ["method"] = "tiny",
                ["params"] = new JsonObject { ["weight"] = 0.5 },
                ["inputs"] = new JsonObject
                {
                    ["student"] = Tensor(1, 3), ["teacher"] = Tensor(0, 1),
                },
                ["outputs"] = new JsonObject { ["loss"] = 1.25, ["grad_student"] = Tensor(0.5, 1.0) },
            }),
        };
        var path = Path.Combine(output, "tiny-losses.json");
        File.WriteAllText(path, vectors.ToJsonString());
        var result = CliRunner.Run("conformance", path);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"\ntiny +1 ", result.Output);

        vectors["cases"]![0]!["outputs"]!["loss"] = 1.5;
        File.WriteAllText(path, vectors.ToJsonString());
        Assert.Equal(1, CliRunner.Run("conformance", path).ExitCode);
    }

    private static JsonObject Tensor(params double[] data) => new()
    {
        ["shape"] = new JsonArray(JsonValue.Create(1), JsonValue.Create(data.Length)),
        ["data"] = new JsonArray(data.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
    };
}
