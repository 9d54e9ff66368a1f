using SharpDistill.Config;

namespace SharpDistill.Tests.Config;

public class ShippedConfigsTests
{
    public static IEnumerable<object[]> ConfigFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "configs"), "*.yaml", SearchOption.AllDirectories)
            .OrderBy(p => p).Select(p => new object[] { Path.GetRelativePath(RepoPaths.Root, p) });

    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void EveryShippedConfigLoads(string relativePath)
    {
        var path = Path.Combine(RepoPaths.Root, relativePath);
        // A study config also holds the study's own seeds: key, which `study` splits off before loading the run settings.
        var runSettings = Path.Combine(Path.GetTempPath(), $"sd-settings-{Guid.NewGuid():N}.yaml");
        RunConfig config;
        try
        {
            if (SharpDistill.Study.StudySeeds.SplitFile(path, runSettings) is not null) path = runSettings;
            config = RunConfig.Load(new[] { path }, Array.Empty<string>());
        }
        finally
        {
            File.Delete(runSettings);
        }
        // configs/<dataset>/<method>/<pair>.yaml describe one run each; files directly under a dataset folder
        // (e.g. the study's shared settings) hold settings common to several runs.
        if (relativePath.Split('/').Length < 4) return;
        Assert.False(string.IsNullOrEmpty(config.Models.Student));
        Assert.False(string.IsNullOrEmpty(config.Experiment.Name));
        Assert.True(SharpDistill.Models.ModelZoo.Contains(config.Models.Student), $"unknown student '{config.Models.Student}'");
        if (config.Distiller.Method != DistillMethod.Ce)
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
        Assert.Equal(DistillMethod.Crld, mv2.Distiller.Method);
        var dkd = RunConfig.Load(new[] { Path.Combine(RepoPaths.Root, "configs/cifar100/dkd/res56_res20.yaml") }, Array.Empty<string>());
        Assert.Equal(2.0, dkd.Distiller.Dkd.Beta);
        Assert.Equal(0.05, dkd.Solver.Lr);
        Assert.Equal(12, Directory.GetFiles(Path.Combine(RepoPaths.Root, "configs/cifar100/crld"), "*.yaml").Length);
    }
}
