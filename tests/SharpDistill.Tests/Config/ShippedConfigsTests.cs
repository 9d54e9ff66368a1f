using SharpDistill.Config;
using SharpDistill.Distillers;

namespace SharpDistill.Tests.Config;

public class ShippedConfigsTests
{
    public static IEnumerable<object[]> ConfigFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "configs"), "*.yaml", SearchOption.AllDirectories)
            .OrderBy(p => p).Select(p => new object[] { Path.GetRelativePath(RepoPaths.Root, p) });

    /// <summary>
    /// configs/&lt;dataset&gt;/&lt;method&gt;/&lt;pair&gt;.yaml describe one run each; files directly under a
    /// dataset folder (e.g. the study's settings) hold settings common to several runs.
    /// </summary>
    public static IEnumerable<object[]> RunConfigFiles() =>
        ConfigFiles().Where(row => ((string)row[0]).Split('/').Length >= 4);

    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void EveryShippedConfigLoads(string relativePath) => LoadShipped(relativePath);

    /// <summary>
    /// A shipped config; a study or sweep config's own keys (seeds:, grid:, teacher_checkpoints:) are split off
    /// first, as `study` and `sweep` do.
    /// </summary>
    private static RunConfig LoadShipped(string relativePath)
    {
        var path = Path.Combine(RepoPaths.Root, relativePath);
        using var temp = new TempDirectory();
        var runSettings = temp.PathOf("settings.yaml");
        SharpDistill.Sweep.SweepFile.Split(path, runSettings);
        return RunConfig.Load(new[] { runSettings }, Array.Empty<string>());
    }

    [Theory]
    [MemberData(nameof(RunConfigFiles))]
    public void EveryRunConfigNamesItsModels(string relativePath)
    {
        var config = LoadShipped(relativePath);
        Assert.False(string.IsNullOrEmpty(config.Models.Student));
        Assert.False(string.IsNullOrEmpty(config.Experiment.Name));
        Assert.True(SharpDistill.Models.ModelZoo.Contains(config.Models.Student), $"unknown student '{config.Models.Student}'");
        if (config.Distiller.Descriptor.NeedsTeacher)
        {
            Assert.True(SharpDistill.Models.ModelZoo.Contains(config.Models.Teacher), $"unknown teacher '{config.Models.Teacher}'");
            Assert.False(string.IsNullOrEmpty(config.Models.TeacherCheckpoint));
        }
    }

    [Fact]
    public void CifarRecipesFollowThePublishedRules()
    {
        var mv2 = RunConfig.Load(new[] { Path.Combine(RepoPaths.Root, "configs/cifar100/crld/res50_mv2.yaml") }, Array.Empty<string>());
        Assert.Equal(0.01, mv2.Solver.Lr);
        Assert.Equal("crld", mv2.Distiller.Method);
        var dkd = RunConfig.Load(new[] { Path.Combine(RepoPaths.Root, "configs/cifar100/dkd/res56_res20.yaml") }, Array.Empty<string>());
        Assert.Equal(2.0, dkd.Distiller.Settings<DkdSettings>().Beta);
        Assert.Equal(0.05, dkd.Solver.Lr);
        Assert.Equal(12, Directory.GetFiles(Path.Combine(RepoPaths.Root, "configs/cifar100/crld"), "*.yaml").Length);
    }
}
