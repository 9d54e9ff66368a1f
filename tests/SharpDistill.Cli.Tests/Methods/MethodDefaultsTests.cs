using SharpDistill.Benchmarks;
using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Study;

namespace SharpDistill.Cli.Tests.Methods;

/// <summary>A method's defaults are one object: training, bench, study and the config verb all see the same values.</summary>
public class MethodDefaultsTests
{
    public static TheoryData<string> Methods() => new(MethodRegistry.All.Select(m => m.Name));

    [Theory]
    [MemberData(nameof(Methods))]
    public void EveryMethodHasTheSameDefaultsEverywhere(string method)
    {
        var descriptor = MethodRegistry.Find(method);
        var own = ConfigWriter.ToYaml(descriptor.CreateSettings());
        var training = ConfigWriter.ToYaml(RunConfig.Load(Array.Empty<string>(), new[] { $"distiller.method={method}" }).Distiller.SettingsOf(method));
        var bench = ConfigWriter.ToYaml(Benchmark.MethodConfig(method).SettingsOf(method));
        var study = ConfigWriter.ToYaml(new StudyRunner(new StudyPlan()).MethodConfig(method, "teacher.safetensors").Distiller.SettingsOf(method));
        Assert.Equal(own, training);
        Assert.Equal(own, bench);
        Assert.Equal(own, study);

        var printed = CliRunner.Run("config", "--set", $"distiller.method={method}");
        Assert.True(printed.ExitCode == 0, printed.ToString());
        if (descriptor.CreateSettings() is NoSettings)
        {
            Assert.Empty(own);
            Assert.DoesNotContain($"\n  {method}:", printed.Output);
            return;
        }
        var section = string.Concat(own.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => $"    {line}\n"));
        Assert.Contains($"\n  {method}:\n{section}", printed.Output);
    }

    [Fact]
    public void CrossViewWeightsDefaultToCrldsOwn()
    {
        var config = new DistillerConfig();
        var crld = ConfigWriter.ToYaml(config.Settings<Distillers.Losses.CrldSettings>());
        foreach (var line in ConfigWriter.ToYaml(config.CrossView).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("enabled")))
            Assert.Contains(line, crld);
    }
}
